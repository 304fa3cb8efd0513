import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { clearAway } from '../../../services/away/clear-away.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import type { TBlockActions } from '../../payloads.ts';

/** I'm back in App Home: clears the presser's own away status (audited) and shows their Home again. */
export function awayClearCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
    input: TBlockActions,
  ) => {
    await ack();
    await clearAway(deps, input.user.id);
    await publishHome(deps, client, input.user.id, parsePages(input.view?.private_metadata));
  };
}
