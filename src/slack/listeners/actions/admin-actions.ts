import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../domain/actor.ts';
import { AppError } from '../../../errors.ts';
import { revokeApiClient } from '../../../services/api-keys/api-keys.ts';
import { removeIdentity } from '../../../services/identities/identities.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import {
  deleteRule,
  detachRule,
  listRules,
  MANAGED_TEXT,
  moveRule,
  setRuleEnabled,
} from '../../../services/routing/rules-store.ts';
import { approvalStats } from '../../../services/stats/approval-stats.ts';
import { requireAdmin } from '../../admin-guard.ts';
import { buildApiKeyModal } from '../../blocks/api-key-modal.ts';
import { buildExportModal } from '../../blocks/export-modal.ts';
import { buildIdentityModal } from '../../blocks/identity-modal.ts';
import { buildRuleEditorModal } from '../../blocks/rule-editor-modal.ts';
import { buildRuleSimulatorModal } from '../../blocks/rule-simulator-modal.ts';
import { buildStatsModal } from '../../blocks/stats-modal.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import { ACTION_IDS } from '../../ids.ts';
import type { TBlockActions } from '../../payloads.ts';
import { tellUser } from '../feedback.ts';

/** App Home leaves rules managed as code alone until they are detached from their file. */
const APP_HOME = { refuseManaged: true };

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;
type Run = (args: Args & { value: string; triggerId: string }, actor: Actor) => Promise<void>;

/**
 * One App Home admin button: ack, check the presser is an admin on the server (refused and
 * audited otherwise), do it, and republish the presser's Home.
 */
function adminAction(deps: CoreDeps, actionId: string, run: Run) {
  return async (args: Args, input: TBlockActions) => {
    const { ack, client, logger } = args;
    await ack();
    const user = input.user.id;
    const value = input.actions[0].value;
    if (!(await requireAdmin(deps, client, user, actionId, { value: value ?? null }))) return;
    try {
      await run({ ...args, value: value ?? '', triggerId: input.trigger_id }, { type: 'user', id: user });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error(`${actionId}: ${String(error)}`);
      await tellUser(client, {
        user,
        text: error instanceof AppError ? error.message : 'Something went wrong; please try again.',
      }).catch((failure: unknown) => logger.warn(`${actionId}: telling ${user} failed: ${String(failure)}`));
    }
    await publishHome(deps, client, user, parsePages(input.view?.private_metadata));
  };
}

export function adminActionCallbacks(
  deps: CoreDeps,
): Record<string, (args: Args, input: TBlockActions) => Promise<void>> {
  return {
    [ACTION_IDS.ruleAdd]: adminAction(deps, ACTION_IDS.ruleAdd, async ({ triggerId, client }) => {
      await client.views.open({ trigger_id: triggerId, view: buildRuleEditorModal() });
    }),
    [ACTION_IDS.ruleEdit]: adminAction(deps, ACTION_IDS.ruleEdit, async ({ value, triggerId, client }) => {
      const rule = (await listRules(deps.db)).find((r) => r.id === value);
      if (rule === undefined) throw new AppError('not_found', 'This rule no longer exists.');
      if (rule.managedBy !== null) throw new AppError('conflict', MANAGED_TEXT);
      // Label the rule's user groups by handle; ids alone still work if Slack does not answer.
      const labels = new Map<string, string>();
      const everyApprover = [
        ...rule.approvers,
        ...(rule.stages ?? []).flatMap((stage) => stage.approvers),
        ...rule.escalation.flatMap((level) => level.approvers),
      ];
      if (everyApprover.some((a) => a.startsWith('S'))) {
        const groups = await client.usergroups.list({}).catch(() => ({ usergroups: [] }));
        for (const group of groups.usergroups ?? []) if (group.id) labels.set(group.id, `@${group.handle ?? group.id}`);
      }
      await client.views.open({ trigger_id: triggerId, view: buildRuleEditorModal(rule, labels) });
    }),
    [ACTION_IDS.ruleDelete]: adminAction(deps, ACTION_IDS.ruleDelete, ({ value }, actor) =>
      deleteRule(deps, actor, value, APP_HOME),
    ),
    [ACTION_IDS.ruleUp]: adminAction(deps, ACTION_IDS.ruleUp, ({ value }, actor) =>
      moveRule(deps, actor, value, 'up', APP_HOME),
    ),
    [ACTION_IDS.ruleDown]: adminAction(deps, ACTION_IDS.ruleDown, ({ value }, actor) =>
      moveRule(deps, actor, value, 'down', APP_HOME),
    ),
    [ACTION_IDS.ruleToggle]: adminAction(deps, ACTION_IDS.ruleToggle, async ({ value }, actor) => {
      const rule = (await listRules(deps.db)).find((r) => r.id === value);
      if (rule === undefined) throw new AppError('not_found', 'This rule no longer exists.');
      await setRuleEnabled(deps, actor, rule.id, !rule.enabled, APP_HOME);
    }),
    // Admin-checked like every button here; audited as rule.detached.
    [ACTION_IDS.ruleDetach]: adminAction(deps, ACTION_IDS.ruleDetach, async ({ value }, actor) => {
      await detachRule(deps, actor, value);
    }),
    [ACTION_IDS.ruleTest]: adminAction(deps, ACTION_IDS.ruleTest, async ({ triggerId, client }) => {
      await client.views.open({ trigger_id: triggerId, view: buildRuleSimulatorModal() });
    }),
    [ACTION_IDS.keyCreate]: adminAction(deps, ACTION_IDS.keyCreate, async ({ triggerId, client }) => {
      await client.views.open({ trigger_id: triggerId, view: buildApiKeyModal() });
    }),
    [ACTION_IDS.keyRevoke]: adminAction(deps, ACTION_IDS.keyRevoke, ({ value }, actor) =>
      revokeApiClient(deps, actor, value),
    ),
    [ACTION_IDS.identityAdd]: adminAction(deps, ACTION_IDS.identityAdd, async ({ triggerId, client }) => {
      await client.views.open({ trigger_id: triggerId, view: buildIdentityModal() });
    }),
    [ACTION_IDS.identityRemove]: adminAction(deps, ACTION_IDS.identityRemove, ({ value }, actor) =>
      removeIdentity(deps, actor, 'github', value),
    ),
    // Opened at once (the trigger lasts three seconds), then filled in once the numbers are computed.
    [ACTION_IDS.stats]: adminAction(deps, ACTION_IDS.stats, async ({ triggerId, client }) => {
      const opened = await client.views.open({ trigger_id: triggerId, view: buildStatsModal(null) });
      const stats = await approvalStats(deps);
      await client.views.update({
        view_id: opened.view?.id ?? '',
        ...(opened.view?.hash === undefined ? {} : { hash: opened.view.hash }),
        view: buildStatsModal(stats),
      });
    }),
    [ACTION_IDS.auditExport]: adminAction(deps, ACTION_IDS.auditExport, async ({ triggerId, client }) => {
      await client.views.open({ trigger_id: triggerId, view: buildExportModal() });
    }),
  };
}
