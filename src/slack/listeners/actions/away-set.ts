import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { getAway } from '../../../services/away/away-store.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { buildAwayModal } from '../../blocks/away-modal.ts';
import type { TBlockActions } from '../../payloads.ts';

/** Set away / Change in App Home: opens the out-of-office modal with the user's current status. */
export function awaySetCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    const current = await getAway(deps.db, input.user.id, deps.now());
    await client.views.open({ trigger_id: input.trigger_id, view: buildAwayModal(current) });
  };
}
