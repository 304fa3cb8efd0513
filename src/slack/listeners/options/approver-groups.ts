import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { isAdmin } from '../../../services/home/home-data.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { approverGroupOptions } from '../../blocks/approver-group-options.ts';
import type { TBlockSuggestion } from '../../payloads.ts';

/** The rule editor's user-group picker: workspace user groups from usergroups.list, for admins only. */
export function approverGroupOptionsCallback(deps: CoreDeps) {
  return async (
    { ack, client, logger }: AllMiddlewareArgs & SlackOptionsMiddlewareArgs<'block_suggestion'>,
    input: TBlockSuggestion,
  ) => {
    if (!isAdmin(deps, input.user.id)) {
      await ack({ options: [] });
      return;
    }
    try {
      const { usergroups = [] } = await client.usergroups.list({ include_disabled: false });
      await ack({
        options: approverGroupOptions(
          usergroups.map((g) => ({ id: g.id ?? '', handle: g.handle, name: g.name })).filter((g) => g.id !== ''),
          input.value,
        ),
      });
    } catch (error) {
      logger.error(`usergroups.list failed: ${String(error)}`);
      await ack({ options: [] });
    }
  };
}
