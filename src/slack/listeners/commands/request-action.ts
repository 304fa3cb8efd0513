import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { buildRequestModal, parseCommandText } from '../../blocks/request-modal.ts';
import type { TSlashCommand } from '../../payloads.ts';

/** `/request-action [action] [resource] [reason…]`: ack, then open the prefilled request modal. */
export function requestActionCommandCallback(deps: CoreDeps) {
  return async ({ ack, client, logger }: AllMiddlewareArgs & SlackCommandMiddlewareArgs, command: TSlashCommand) => {
    await ack();
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: buildRequestModal({
          prefill: parseCommandText(command.text),
          ttl: {
            min: deps.config.MIN_TTL_SECONDS,
            max: deps.config.MAX_TTL_SECONDS,
            default: deps.config.DEFAULT_TTL_SECONDS,
          },
        }),
      });
    } catch (error) {
      logger.error(`/request-action: views.open failed: ${String(error)}`);
    }
  };
}
