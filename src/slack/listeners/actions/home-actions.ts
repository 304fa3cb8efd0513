import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { cancelRequest } from '../../../services/requests/cancel.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import type { TBlockActions } from '../../payloads.ts';
import { tellUser } from '../feedback.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** Previous/Next in an App Home section. */
export function homePageCallback(deps: CoreDeps) {
  return async ({ ack, client }: Args, input: TBlockActions) => {
    await ack();
    await publishHome(deps, client, input.user.id, parsePages(input.actions[0].value));
  };
}

/** Cancel on the requester's own open request in App Home. */
export function homeCancelCallback(deps: CoreDeps) {
  return async ({ ack, client, logger }: Args, input: TBlockActions) => {
    await ack();
    const user = input.user.id;
    try {
      await cancelRequest(deps, { requestId: input.actions[0].value ?? '', actor: { type: 'user', id: user } });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`home cancel: ${String(error)}`);
      await tellUser(client, {
        user,
        text: error instanceof AppError ? `Not cancelled: ${error.message}.` : 'Something went wrong.',
      }).catch((failure: unknown) => logger.warn(`home cancel: telling ${user} failed: ${String(failure)}`));
    }
    await publishHome(deps, client, user, parsePages(input.view?.private_metadata));
  };
}
