import type { z } from 'zod';
import { AppError } from '../../../errors.ts';
import { fieldOf } from '../../blocks/kit/inputs.ts';
import { parseMetadata, type TViewSubmission } from '../../payloads.ts';
import { STALE_TEXT } from '../stale.ts';

/** Answers a submission with an inline error: the form stays open with what was typed. */
type InlineError = (text: string) => Promise<void>;

/**
 * The form's own metadata (what it was opened for), or null once a form too old to read has been
 * told so inline.
 */
export async function formMetadata<M>(
  errors: InlineError,
  schema: z.ZodType<M>,
  input: TViewSubmission,
): Promise<M | null> {
  const metadata = parseMetadata(schema, input.view.private_metadata);
  if (metadata === null) await errors(STALE_TEXT.form);
  return metadata;
}

/** What an inline error says of typed text its schema refused: `The question must be …`. */
export function textProblem(subject: string, error: z.ZodError): string {
  return `${subject} ${error.issues[0]?.message ?? 'is not valid'}.`;
}

/**
 * The text typed in the form's input `field` (blank when left empty), parsed with `schema`; null once
 * the form has been told inline what is wrong with it: `problem` when given, else
 * `${subject} <the schema's first problem>.`
 */
export async function formText<T extends string>(
  errors: InlineError,
  schema: z.ZodType<T>,
  input: TViewSubmission,
  field: string,
  subject: string,
  problem?: string,
): Promise<T | null> {
  const parsed = schema.safeParse(fieldOf(input.values, field)?.value ?? '');
  if (parsed.success) return parsed.data;
  await errors(problem ?? textProblem(subject, parsed.error));
  return null;
}

/**
 * Runs a submission's use case before the form closes, so what the form says is what happened. A
 * failure keeps the form open with what was typed and says nothing changed: an AppError as
 * `${notDone}: <its message>.` — or in `explain`'s words; `explain` answering null, or `'unexpected'`,
 * treats it as any other error — and anything else as "something failed on our side", rethrown for
 * Bolt to log. Answers the use case's result, or `{ ok: false }` once the form has been answered.
 */
export async function runBeforeClosing<T>(
  errors: InlineError,
  notDone: string,
  run: () => Promise<T>,
  explain?: 'unexpected' | ((error: AppError) => Promise<string | null>),
): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const explained =
      !(error instanceof AppError) || explain === 'unexpected'
        ? null
        : explain === undefined
          ? `${notDone}: ${error.message}.`
          : await explain(error);
    if (explained === null) {
      await errors(`${notDone}: something failed on our side. Please submit again.`);
      throw error;
    }
    await errors(explained);
    return { ok: false };
  }
}
