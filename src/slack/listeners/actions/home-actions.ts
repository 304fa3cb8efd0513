import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { cancelRequest } from '../../../services/requests/cancel.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { tellUser } from '../feedback.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** Previous/Next in an App Home section. */
export function homePageCallback(deps: CoreDeps) {
  return async ({ ack, body, action, client }: Args) => {
    await ack();
    await publishHome(deps, client, body.user.id, parsePages(action.value));
  };
}

/** Cancel on the requester's own open request in App Home. */
export function homeCancelCallback(deps: CoreDeps) {
  return async ({ ack, body, action, client, logger }: Args) => {
    await ack();
    const user = body.user.id;
    try {
      await cancelRequest(deps, { requestId: action.value ?? '', actor: { type: 'user', id: user } });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`home cancel: ${String(error)}`);
      await tellUser(client, {
        user,
        text: error instanceof AppError ? `Not cancelled: ${error.message}.` : 'Something went wrong.',
      });
    }
    await publishHome(deps, client, user, parsePages(body.view?.private_metadata));
  };
}
