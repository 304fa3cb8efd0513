import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { createRequest } from '../../../services/requests/create.ts';
import {
  fieldErrors,
  ttlSchema,
  ZAction,
  ZEnvironment,
  ZReason,
  ZResource,
  ZRisk,
} from '../../../services/requests/input.ts';
import type { ViewValues as Values } from '../../blocks/kit/inputs.ts';
import { REQUEST_FIELDS } from '../../blocks/request-modal.ts';
import type { TViewSubmission } from '../../payloads.ts';

function text(values: Values, field: string): string | undefined {
  return values[field]?.[field]?.value ?? undefined;
}

function selected(values: Values, field: string): string | undefined {
  return values[field]?.[field]?.selected_option?.value ?? undefined;
}

/**
 * Submit of the /request-action modal: field errors go back inline (the modal stays open);
 * a valid request takes the same path as the webhook, and the modal closes.
 */
export function requestModalSubmitCallback(deps: CoreDeps) {
  const schema = z.object({
    [REQUEST_FIELDS.action]: ZAction,
    [REQUEST_FIELDS.resource]: ZResource,
    [REQUEST_FIELDS.environment]: ZEnvironment.optional(),
    [REQUEST_FIELDS.risk]: ZRisk,
    [REQUEST_FIELDS.reason]: ZReason,
    [REQUEST_FIELDS.ttl]: z.coerce.number().pipe(ttlSchema(deps.config)),
  });
  return async (
    { ack, logger }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const { values } = input;
    const user = input.user.id;
    const environment = text(values, REQUEST_FIELDS.environment)?.trim();
    const parsed = schema.safeParse({
      action: text(values, REQUEST_FIELDS.action),
      resource: text(values, REQUEST_FIELDS.resource),
      environment: environment === '' ? undefined : environment,
      risk: selected(values, REQUEST_FIELDS.risk),
      reason: text(values, REQUEST_FIELDS.reason),
      ttl: selected(values, REQUEST_FIELDS.ttl),
    });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const { path, message } of fieldErrors(parsed.error)) errors[path.split('.')[0] as string] ??= message;
      await ack({ response_action: 'errors', errors });
      return;
    }
    const fields = parsed.data;
    try {
      await createRequest(
        deps,
        {
          action: fields.action as string,
          resource: fields.resource as string,
          reason: fields.reason as string,
          environment: (fields.environment as string | undefined) ?? null,
          risk: fields.risk as 'low' | 'medium' | 'high' | 'critical',
          context: {},
          ttlSeconds: fields.ttl as number,
          requesterSlackId: user,
        },
        { actor: { type: 'user', id: user } },
      );
      await ack();
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`request modal: ${String(error)}`);
      const message = error instanceof AppError ? error.message : 'Something went wrong; please try again.';
      await ack({ response_action: 'errors', errors: { [REQUEST_FIELDS.action]: message } });
    }
  };
}
