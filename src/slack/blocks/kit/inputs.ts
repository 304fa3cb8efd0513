import type { ViewSubmitAction } from '@slack/bolt';
import type { InputBlock, PlainTextOption } from '@slack/types';
import { plain } from './text.ts';

/** An option of a select or checkbox group. */
export function option(text: string, value: string): PlainTextOption {
  return { text: plain(text), value };
}

/**
 * An input block whose block id and action id are the same, so the submit handler finds the value
 * at `values[id][id]` (see {@link fieldOf}).
 */
export function input(
  blockId: string,
  label: string,
  element: Record<string, unknown>,
  extra: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: extra.optional ?? false,
    ...(extra.hint ? { hint: plain(extra.hint) } : {}),
    element: { action_id: blockId, ...element },
  } as InputBlock;
}

/** A plain-text input (200 characters unless `max` says otherwise), prefilled with `initial` when given. */
export function textInput(
  blockId: string,
  label: string,
  initial: string | null | undefined,
  extra: {
    optional?: boolean;
    hint?: string;
    max?: number;
    minLength?: number;
    multiline?: boolean;
    placeholder?: string;
  } = {},
): InputBlock {
  return input(
    blockId,
    label,
    {
      type: 'plain_text_input',
      ...(extra.multiline ? { multiline: true } : {}),
      ...(extra.minLength !== undefined ? { min_length: extra.minLength } : {}),
      max_length: extra.max ?? 200,
      ...(extra.placeholder ? { placeholder: plain(extra.placeholder) } : {}),
      ...(initial ? { initial_value: initial } : {}),
    },
    extra,
  );
}

/** A single select; `initial` is the value of the option selected at first. */
export function select(
  blockId: string,
  label: string,
  options: PlainTextOption[],
  initial: string,
  extra: { optional?: boolean } = {},
): InputBlock {
  const initialOption = options.find((o) => o.value === initial);
  return input(
    blockId,
    label,
    { type: 'static_select', options, ...(initialOption ? { initial_option: initialOption } : {}) },
    extra,
  );
}

/** A whole-number input, at least `min` (1 unless said otherwise). */
export function numberInput(
  blockId: string,
  label: string,
  initial: number | null,
  extra: { optional?: boolean; hint?: string; min?: string } = {},
): InputBlock {
  return input(
    blockId,
    label,
    {
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: extra.min ?? '1',
      ...(initial !== null ? { initial_value: String(initial) } : {}),
    },
    extra,
  );
}

/** A submitted view's state: block id → action id → value. */
export type ViewValues = ViewSubmitAction['view']['state']['values'];

/** The submitted value of an input built by {@link input} (block id = action id). */
export function fieldOf(values: ViewValues, id: string) {
  return values[id]?.[id];
}
