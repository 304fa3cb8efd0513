import type { FieldError } from '../../errors.ts';
import type { Tx } from '../types.ts';
import { checkIdentityMap, IDENTITY_PROVIDERS, type IdentityProvider, listIdentities } from './identities.ts';

/** A rules file's `identities:` section, checked: every provider's links, by stored (lower-cased) login. */
export type IdentitySection = Map<IdentityProvider, Map<string, string>>;

/** The section as a rules file writes it: provider → login → Slack user id. */
export type IdentitySectionJson = Partial<Record<IdentityProvider, Record<string, string>>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isProvider = (name: string): name is IdentityProvider => (IDENTITY_PROVIDERS as readonly string[]).includes(name);

/**
 * Checks `identities:` (provider → login → Slack user id), naming every problem by its path in the
 * file (`identities.github.octo cat`). The section is the whole set: a supported provider it leaves
 * out gets no links at all.
 */
export function checkIdentitySection(
  value: unknown,
): { ok: true; section: IdentitySection } | { ok: false; problems: FieldError[] } {
  const example = 'e.g. identities: { github: { octocat: U0123ABCD } }';
  if (!isObject(value))
    return { ok: false, problems: [{ path: 'identities', message: `must map providers to logins, ${example}` }] };
  const problems: FieldError[] = [];
  const section: IdentitySection = new Map(IDENTITY_PROVIDERS.map((provider) => [provider, new Map()]));
  for (const [provider, logins] of Object.entries(value)) {
    const path = `identities.${provider}`;
    if (!isProvider(provider)) {
      problems.push({ path, message: `is not a supported provider (${IDENTITY_PROVIDERS.join(', ')})` });
    } else if (!isObject(logins)) {
      problems.push({ path, message: 'must map logins to Slack user ids, e.g. octocat: U0123ABCD' });
    } else {
      const checked = checkIdentityMap(logins);
      if (checked.ok) section.set(provider, checked.wanted);
      else problems.push(...checked.problems.map((p) => ({ path: `${path}.${p.path}`, message: p.message })));
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, section };
}

/** Every provider's current links, as a rules file writes them (providers without links included, empty). */
export async function identitySectionJson(tx: Tx): Promise<IdentitySectionJson> {
  const json: IdentitySectionJson = {};
  for (const provider of IDENTITY_PROVIDERS) {
    json[provider] = Object.fromEntries(
      (await listIdentities(tx, provider)).map((link) => [link.externalLogin, link.slackUserId]),
    );
  }
  return json;
}
