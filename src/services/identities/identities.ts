import type { Actor } from '../../domain/actor.ts';
import { AppError, type FieldError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tx } from '../types.ts';

/** The platforms whose people Greenlight can name in Slack. */
export const IDENTITY_PROVIDERS = ['github'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];

/** One link: someone's login on `provider` and who they are in Slack. */
export interface IdentityLinkSummary {
  provider: IdentityProvider;
  externalLogin: string;
  slackUserId: string;
}

/** A GitHub login as GitHub spells it: letters, digits and single hyphens, at most 39 characters. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A Slack user id (U…, W…). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Logins compare case-insensitively on GitHub, so they are stored lower-cased. */
function normalise(login: string): string {
  return login.trim().toLowerCase();
}

function checkLink(login: string, slackUserId: string): void {
  const fields: Array<{ path: string; message: string }> = [];
  if (!GITHUB_LOGIN.test(login.trim())) fields.push({ path: 'login', message: 'is not a GitHub login' });
  if (!SLACK_USER_ID.test(slackUserId)) fields.push({ path: 'slackUserId', message: 'is not a Slack user id' });
  if (fields.length > 0) throw new AppError('validation_failed', 'not a valid identity link', fields);
}

/** Every link of `provider`, by login. */
export async function listIdentities(tx: Tx, provider: IdentityProvider): Promise<IdentityLinkSummary[]> {
  const rows = await tx.identityLink.findMany({
    where: { provider },
    select: { externalLogin: true, slackUserId: true },
    orderBy: { externalLogin: 'asc' },
  });
  return rows.map((row) => ({ provider, ...row }));
}

/** The Slack user a login is linked to, or null. */
export async function linkedSlackUser(tx: Tx, provider: IdentityProvider, login: string): Promise<string | null> {
  const row = await tx.identityLink.findUnique({
    where: { provider_externalLogin: { provider, externalLogin: normalise(login) } },
    select: { slackUserId: true },
  });
  return row?.slackUserId ?? null;
}

/** Links (or re-links) a login to a Slack user; audited `identity.linked` with before and after. */
export async function setIdentity(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  provider: IdentityProvider,
  login: string,
  slackUserId: string,
): Promise<void> {
  checkLink(login, slackUserId);
  const externalLogin = normalise(login);
  await deps.db.$transaction(async (tx) => {
    const before = await linkedSlackUser(tx, provider, externalLogin);
    if (before === slackUserId) return;
    await tx.identityLink.upsert({
      where: { provider_externalLogin: { provider, externalLogin } },
      create: { provider, externalLogin, slackUserId, createdBy: actor.id ?? actor.type },
      update: { slackUserId, createdBy: actor.id ?? actor.type },
    });
    await recordAudit(tx, {
      type: 'identity.linked',
      actor,
      details: { provider, login: externalLogin, before, after: slackUserId },
    });
  });
}

/** Removes a login's link; audited `identity.unlinked`. Removing a link that is gone is an error. */
export async function removeIdentity(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  provider: IdentityProvider,
  login: string,
): Promise<void> {
  const externalLogin = normalise(login);
  await deps.db.$transaction(async (tx) => {
    const removed = await tx.identityLink.deleteMany({ where: { provider, externalLogin } });
    if (removed.count === 0) throw new AppError('not_found', `${externalLogin} is not linked`);
    await recordAudit(tx, { type: 'identity.unlinked', actor, details: { provider, login: externalLogin } });
  });
}

/** What making `provider`'s links a map does (or would do): logins as stored (lower-cased). */
export interface IdentityDiff {
  added: Array<{ login: string; slackUserId: string }>;
  changed: Array<{ login: string; before: string; after: string }>;
  removed: Array<{ login: string; slackUserId: string }>;
  unchanged: number;
}

/**
 * Checks a login → Slack user id map as a rules file declares it. Problems are named by login
 * (`octo cat`), every one at once; a valid map comes back keyed by the stored (lower-cased) login.
 */
export function checkIdentityMap(
  map: Record<string, unknown>,
): { ok: true; wanted: Map<string, string> } | { ok: false; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const wanted = new Map<string, string>();
  const spelled = new Map<string, string>();
  for (const [login, slackUserId] of Object.entries(map)) {
    const externalLogin = normalise(login);
    if (!GITHUB_LOGIN.test(login.trim())) problems.push({ path: login, message: 'is not a GitHub login' });
    else if (typeof slackUserId !== 'string' || !SLACK_USER_ID.test(slackUserId)) {
      problems.push({ path: login, message: 'must be a Slack user id (U…/W…)' });
    } else if (spelled.has(externalLogin)) {
      // GitHub logins ignore case: `Octocat` and `octocat` are one person.
      problems.push({ path: login, message: `is listed twice (also as ${spelled.get(externalLogin)})` });
    } else {
      spelled.set(externalLogin, login);
      wanted.set(externalLogin, slackUserId);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, wanted };
}

/** What replacing `provider`'s links with `wanted` (checked, lower-cased logins) would do; changes nothing. */
export async function diffIdentities(
  tx: Tx,
  provider: IdentityProvider,
  wanted: Map<string, string>,
): Promise<IdentityDiff> {
  const current = new Map((await listIdentities(tx, provider)).map((l) => [l.externalLogin, l.slackUserId]));
  const diff: IdentityDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const [login, slackUserId] of wanted) {
    const before = current.get(login);
    if (before === undefined) diff.added.push({ login, slackUserId });
    else if (before !== slackUserId) diff.changed.push({ login, before, after: slackUserId });
    else diff.unchanged += 1;
  }
  for (const [login, slackUserId] of current) if (!wanted.has(login)) diff.removed.push({ login, slackUserId });
  return diff;
}

/**
 * Inside the caller's transaction: makes `provider`'s links exactly `wanted` (checked, lower-cased
 * logins), audited once as `identity.replaced` (with `details` added) when anything changed.
 */
export async function writeIdentities(
  tx: Prisma.TransactionClient,
  actor: Actor,
  provider: IdentityProvider,
  wanted: Map<string, string>,
  details: Record<string, unknown> = {},
): Promise<IdentityDiff> {
  const diff = await diffIdentities(tx, provider, wanted);
  const added = diff.added.map((entry) => entry.login);
  const changed = diff.changed.map((entry) => entry.login);
  const removed = diff.removed.map((entry) => entry.login);
  if (added.length + changed.length + removed.length === 0) return diff;
  await tx.identityLink.deleteMany({ where: { provider, externalLogin: { in: [...removed, ...changed] } } });
  await tx.identityLink.createMany({
    data: [...added, ...changed].map((login) => ({
      provider,
      externalLogin: login,
      slackUserId: wanted.get(login) as string,
      createdBy: actor.id ?? actor.type,
    })),
  });
  await recordAudit(tx, {
    type: 'identity.replaced',
    actor,
    details: { ...details, provider, added, changed, removed },
  });
  return diff;
}

/**
 * Makes `provider`'s links exactly `map` (login → Slack user id), as a rules file declares them:
 * every bad entry is reported at once and nothing changes; otherwise the changes commit together
 * under one `identity.replaced` audit event listing what was added, changed and removed.
 */
export async function replaceIdentities(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  provider: IdentityProvider,
  map: Record<string, string>,
): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
  const checked = checkIdentityMap(map);
  if (!checked.ok) throw new AppError('validation_failed', `invalid ${provider} identities`, checked.problems);
  const diff = await deps.db.$transaction((tx) => writeIdentities(tx, actor, provider, checked.wanted));
  return {
    added: diff.added.map((entry) => entry.login),
    changed: diff.changed.map((entry) => entry.login),
    removed: diff.removed.map((entry) => entry.login),
  };
}
