import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { RISKS } from '../../../domain/request-status.ts';
import { AppError, type FieldError } from '../../../errors.ts';
import { createApiClient } from '../../../services/api-keys/api-keys.ts';
import { GITHUB_LOGIN, setIdentity } from '../../../services/identities/identities.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { fieldErrors, ZAction, ZResource } from '../../../services/requests/input.ts';
import { simulateRoute } from '../../../services/routing/route.ts';
import { checkRuleInput } from '../../../services/routing/rule-document.ts';
import { ruleWorkflow } from '../../../services/routing/rule-schema.ts';
import { createRule, getRule, MANAGED_TEXT, updateRule } from '../../../services/routing/rules-store.ts';
import { requireAdmin } from '../../admin-guard.ts';
import { uploadAuditExport } from '../../audit-upload.ts';
import { API_KEY_FIELDS, buildApiKeyCreatedModal, readApiKeyModal } from '../../blocks/api-key-modal.ts';
import { EXPORT_FIELDS, readExportModal } from '../../blocks/export-modal.ts';
import { IDENTITY_FIELDS, readIdentityModal } from '../../blocks/identity-modal.ts';
import { RULE_FIELDS, readRuleEditorModal, ruleFieldBlock } from '../../blocks/rule-editor-modal.ts';
import {
  buildRuleSimulatorResult,
  readRuleSimulatorModal,
  SIMULATOR_FIELDS,
} from '../../blocks/rule-simulator-modal.ts';
import { publishHome } from '../../home-publisher.ts';
import { CALLBACK_IDS } from '../../ids.ts';
import { parseMetadata, type TViewSubmission } from '../../payloads.ts';
import { tellUser } from '../feedback.ts';
import { STALE_TEXT } from '../stale.ts';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** Field problems as Slack's inline modal errors: one message per block, the first one wins. */
function inlineErrors(problems: FieldError[], blockOf: (path: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of problems) errors[blockOf(problem.path)] ??= problem.message;
  return errors;
}

/**
 * The server-side admin check for a submission: a non-admin is refused and audited (see
 * requireAdmin), and the modal stays open with `message` under `blockId`.
 */
async function adminOrRefused(
  deps: CoreDeps,
  { ack, client }: Args,
  input: TViewSubmission,
  callbackId: string,
  refusal: { blockId: string; message: string },
): Promise<boolean> {
  if (await requireAdmin(deps, client, input.user.id, callbackId)) return true;
  await ack({ response_action: 'errors', errors: { [refusal.blockId]: refusal.message } });
  return false;
}

/** Add/Edit rule submit: admin check on the server, inline errors, then save, audit and republish Home. */
const ZRuleMetadata = z.object({ ruleId: z.string().nullable(), updatedAt: z.string().nullable().optional() });

export function ruleModalSubmitCallback(deps: CoreDeps) {
  return async (args: Args, input: TViewSubmission) => {
    const { ack, client } = args;
    const user = input.user.id;
    const refusal = { blockId: RULE_FIELDS.name, message: 'Only Greenlight admins can change routing rules.' };
    if (!(await adminOrRefused(deps, args, input, CALLBACK_IDS.ruleModal, refusal))) return;
    // Unreadable metadata is not "a new rule": saving it as one would duplicate the rule being edited.
    const metadata = parseMetadata(ZRuleMetadata, input.view.private_metadata);
    if (metadata === null) {
      await ack({ response_action: 'errors', errors: { [RULE_FIELDS.name]: STALE_TEXT.form } });
      return;
    }
    const { ruleId, updatedAt } = metadata;
    const editing = ruleId === null ? null : await getRule(deps.db, ruleId);
    // Checked on submission, not only in the view: the rule may have been applied from a file since.
    if (editing?.managedBy) {
      await ack({ response_action: 'errors', errors: { [RULE_FIELDS.name]: MANAGED_TEXT } });
      return;
    }
    // The same checks, with the same messages, as the admin API and rules files.
    const checked = await checkRuleInput(
      deps,
      readRuleEditorModal(input.values, editing ? ruleWorkflow(editing) : undefined),
    );
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: inlineErrors(checked.problems, ruleFieldBlock) });
      return;
    }
    const actor = { type: 'user' as const, id: user };
    try {
      if (ruleId === null) await createRule(deps, actor, checked.input);
      else await updateRule(deps, actor, ruleId, checked.input, updatedAt, { refuseManaged: true });
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'Saving failed; please try again.';
      await ack({ response_action: 'errors', errors: { [RULE_FIELDS.name]: message } });
      return;
    }
    await ack();
    await publishHome(deps, client, user);
  };
}

const ZTest = z.object({
  action: ZAction,
  resource: ZResource,
  environment: z.string().max(100).nullable(),
  risk: z.enum(RISKS),
  at: z.date().nullable(),
});

/** "Test a request" submit: the same matching a real request goes through, with reasons. */
export function testModalSubmitCallback(deps: CoreDeps) {
  return async (args: Args, input: TViewSubmission) => {
    const { ack } = args;
    const refusal = { blockId: SIMULATOR_FIELDS.action, message: 'Only Greenlight admins can test rules.' };
    if (!(await adminOrRefused(deps, args, input, CALLBACK_IDS.testModal, refusal))) return;
    const parsed = ZTest.safeParse(readRuleSimulatorModal(input.values));
    if (!parsed.success) {
      const blockOf = (path: string) =>
        SIMULATOR_FIELDS[path as keyof typeof SIMULATOR_FIELDS] ?? SIMULATOR_FIELDS.action;
      await ack({ response_action: 'errors', errors: inlineErrors(fieldErrors(parsed.error), blockOf) });
      return;
    }
    const at = parsed.data.at ?? deps.now();
    const result = await simulateRoute(deps, { ...parsed.data, at });
    await ack({ response_action: 'update', view: buildRuleSimulatorResult({ ...parsed.data, at, ...result }) });
  };
}

const KEY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/**
 * Create API key submit: the key, with the scope chosen, is shown once, in the modal, and stored
 * only hashed; its callback signing secret is shown once beside it.
 */
export function keyModalSubmitCallback(deps: CoreDeps) {
  return async (args: Args, input: TViewSubmission) => {
    const { ack, client } = args;
    const user = input.user.id;
    const refusal = { blockId: API_KEY_FIELDS.name, message: 'Only Greenlight admins can create API keys.' };
    if (!(await adminOrRefused(deps, args, input, CALLBACK_IDS.keyModal, refusal))) return;
    const { name, scope } = readApiKeyModal(input.values);
    if (!KEY_NAME.test(name)) {
      await ack({
        response_action: 'errors',
        errors: { [API_KEY_FIELDS.name]: 'Use 1–64 letters, digits, _ . or -, starting with a letter or digit.' },
      });
      return;
    }
    try {
      const created = await createApiClient(deps, { type: 'user', id: user }, name, scope);
      await ack({ response_action: 'update', view: buildApiKeyCreatedModal(name, { ...created, scope }) });
    } catch (error) {
      await ack({
        response_action: 'errors',
        errors: { [API_KEY_FIELDS.name]: error instanceof AppError ? error.message : 'Creating the key failed.' },
      });
      return;
    }
    await publishHome(deps, client, user);
  };
}

/**
 * "Export audit trail" submit: admin check on the server (refused and audited otherwise), then the
 * modal closes at once and the file follows in a DM (building and uploading it may take longer than
 * Slack waits for an answer).
 */
export function exportModalSubmitCallback(deps: CoreDeps) {
  return async (args: Args, input: TViewSubmission) => {
    const { ack, client, logger } = args;
    const user = input.user.id;
    const refusal = { blockId: EXPORT_FIELDS.range, message: 'Only Greenlight admins can export the audit trail.' };
    if (!(await adminOrRefused(deps, args, input, CALLBACK_IDS.exportModal, refusal))) return;
    const request = readExportModal(input.values);
    if (request === null) {
      await ack({ response_action: 'errors', errors: { [EXPORT_FIELDS.range]: STALE_TEXT.form } });
      return;
    }
    await ack();
    await uploadAuditExport(deps, client, user, request).catch(async (error: unknown) => {
      logger.error(`audit export for ${user}: ${String(error)}`);
      await tellUser(client, { user, text: 'The audit export failed; please try again.' }).catch(() => {});
    });
  };
}

/**
 * "Link GitHub user" submit: admin check on the server (refused and audited otherwise), inline
 * errors for a login GitHub would not accept or no Slack user, then the link is saved (audited
 * `identity.linked`) and the admin's Home republished.
 */
export function identityModalSubmitCallback(deps: CoreDeps) {
  return async (args: Args, input: TViewSubmission) => {
    const { ack, client } = args;
    const user = input.user.id;
    const refusal = { blockId: IDENTITY_FIELDS.login, message: 'Only Greenlight admins can link GitHub users.' };
    if (!(await adminOrRefused(deps, args, input, CALLBACK_IDS.identityModal, refusal))) return;
    const { login, slackUserId } = readIdentityModal(input.values);
    const errors: Record<string, string> = {};
    if (!GITHUB_LOGIN.test(login)) {
      errors[IDENTITY_FIELDS.login] = 'Use a GitHub login: letters, digits and single hyphens, at most 39 characters.';
    }
    if (slackUserId === '') errors[IDENTITY_FIELDS.user] = 'Choose the Slack user.';
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    try {
      await setIdentity(deps, { type: 'user', id: user }, 'github', login, slackUserId);
    } catch (error) {
      await ack({
        response_action: 'errors',
        errors: { [IDENTITY_FIELDS.login]: error instanceof AppError ? error.message : 'Linking failed.' },
      });
      return;
    }
    await ack();
    await publishHome(deps, client, user);
  };
}
