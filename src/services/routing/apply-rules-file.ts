import type { Actor } from '../../domain/actor.ts';
import { diffIdentities, type IdentityDiff, type IdentityProvider, writeIdentities } from '../identities/identities.ts';
import type { IdentitySection } from '../identities/identities-section.ts';
import type { Tx } from '../types.ts';
import { diffRules, type RulesDiff, writeRules } from './apply-rules.ts';
import type { TRuleInput } from './rule-schema.ts';
import { changing, ORDER_TX, type RuleDeps } from './rules-store.ts';

/** What applying a rules file does (or would do): its rules, and its identities when it has the section. */
export interface RulesFileDiff extends RulesDiff {
  identities?: Partial<Record<IdentityProvider, IdentityDiff>>;
}

/** What applying the file (rules and, when given, its `identities:` section) would do; changes nothing. */
export async function diffRulesFile(
  tx: Tx,
  rules: TRuleInput[],
  identities: IdentitySection | undefined,
): Promise<RulesFileDiff> {
  const diff: RulesFileDiff = await diffRules(tx, rules);
  if (identities === undefined) return diff;
  diff.identities = {};
  for (const [provider, wanted] of identities) diff.identities[provider] = await diffIdentities(tx, provider, wanted);
  return diff;
}

/**
 * Applies a rules file in one transaction: the rules as {@link writeRules} does, and, when the file
 * has an `identities:` section, each provider's links made exactly the file's (audited
 * `identity.replaced`). Without the section the links are left as they are.
 */
export async function applyRulesFile(
  deps: RuleDeps,
  actor: Actor,
  rules: TRuleInput[],
  identities: IdentitySection | undefined,
  details: Record<string, unknown> = {},
): Promise<RulesFileDiff> {
  return changing(
    deps,
    deps.db.$transaction(async (tx) => {
      const diff: RulesFileDiff = await writeRules(tx, actor, rules, details);
      if (identities === undefined) return diff;
      diff.identities = {};
      for (const [provider, wanted] of identities) {
        diff.identities[provider] = await writeIdentities(tx, actor, provider, wanted, details);
      }
      return diff;
    }, ORDER_TX),
  );
}
