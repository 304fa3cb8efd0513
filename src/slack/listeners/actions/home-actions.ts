import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import { isAdmin } from '../../../services/home/home-data.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { cancelRequest } from '../../../services/requests/cancel.ts';
import { revokeStandingApproval } from '../../../services/standing/standing-approvals.ts';
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

/**
 * A button in App Home that changes one thing (its value names it): ack, do it, tell the presser
 * alone when it was refused (`<refused>: <why>.`), and publish their App Home again either way.
 */
function homeChange(
  deps: CoreDeps,
  log: string,
  refused: string,
  change: (value: string, user: string) => Promise<unknown>,
) {
  return async ({ ack, client, logger }: Args, input: TBlockActions) => {
    await ack();
    const user = input.user.id;
    try {
      await change(input.actions[0].value ?? '', user);
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`${log}: ${String(error)}`);
      await tellUser(client, {
        user,
        text: error instanceof AppError ? `${refused}: ${error.message}.` : 'Something went wrong.',
      }).catch((failure: unknown) => logger.warn(`${log}: telling ${user} failed: ${String(failure)}`));
    }
    await publishHome(deps, client, user, parsePages(input.view?.private_metadata));
  };
}

/** Cancel on the requester's own open request in App Home. */
export function homeCancelCallback(deps: CoreDeps) {
  return homeChange(deps, 'home cancel', 'Not cancelled', (requestId, user) =>
    cancelRequest(deps, { requestId, actor: { type: 'user', id: user } }),
  );
}

/** Revoke on a standing approval in App Home: its approver or an admin ends it; later calls are asked again. */
export function homeStandingRevokeCallback(deps: CoreDeps) {
  return homeChange(deps, 'standing revoke', 'Not revoked', (id, user) =>
    revokeStandingApproval(deps, { id, userId: user, admin: isAdmin(deps, user) }),
  );
}
