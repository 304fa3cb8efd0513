import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { ClientActor } from '../../../domain/actor.ts';
import { AppError, type FieldError } from '../../../errors.ts';
import {
  checkIdentitySection,
  type IdentitySection,
  type IdentitySectionJson,
  identitySectionJson,
} from '../../../services/identities/identities-section.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { fieldErrors } from '../../../services/requests/input.ts';
import { applyRulesFile, diffRulesFile } from '../../../services/routing/apply-rules-file.ts';
import { checkRuleDocument, toRuleDocument } from '../../../services/routing/rule-document.ts';
import type { RuleRow } from '../../../services/routing/rule-row.ts';
import type { TRuleInput } from '../../../services/routing/rule-schema.ts';
import { createRule, deleteRule, getRule, listRules, updateRule } from '../../../services/routing/rules-store.ts';
import { clientOf } from './auth.ts';
import { API_V1, route } from './operation.ts';
import { RULE_OPERATIONS } from './operations/rules.ts';
import { type RuleJson, ZRulesEnvelope } from './schemas.ts';

/** Rules files can be long: more room than a request body's 64 kB. */
const RULES_BODY_LIMIT = '1mb';

/** The public JSON of each rule, in priority order (`priority` is the position, 1 = tried first). */
function rulesJson(rules: RuleRow[]): RuleJson[] {
  return rules.map((rule, index) => {
    const { name, ...doc } = toRuleDocument(rule);
    return {
      id: rule.id,
      name,
      priority: index + 1,
      ...doc,
      managedBy: rule.managedBy,
      updatedAt: rule.updatedAt.toISOString(),
    };
  });
}

/** Every rule and every identity link, as a rules file holds them (`GET /api/v1/rules`). */
async function rulesFileJson(deps: CoreDeps): Promise<{ rules: RuleJson[]; identities: IdentitySectionJson }> {
  return { rules: rulesJson(await listRules(deps.db)), identities: await identitySectionJson(deps.db) };
}

async function ruleJson(deps: CoreDeps, id: string): Promise<RuleJson> {
  const found = rulesJson(await listRules(deps.db)).find((rule) => rule.id === id);
  if (found === undefined) throw new AppError('not_found', `no rule ${id}`);
  return found;
}

function refused(message: string, fields: FieldError[]): AppError {
  return new AppError('validation_failed', message, fields);
}

/** `?dryRun=`: true or false (absent: false). */
function parseDryRun(raw: unknown): boolean {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw refused('dryRun must be true or false', [{ path: 'dryRun', message: 'must be true or false' }]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7396 JSON Merge Patch: objects merge key by key, `null` removes a key, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const UNORDERED = 'is set by the order of PUT /api/v1/rules (or Move up/down in App Home), not here';

/**
 * `/api/v1/rules` for admin keys (mounted behind requireScope('admin')): the routing rules as code.
 * Every rule is checked by the same schema and checks as the App Home editor, with the same
 * messages; a refused change writes nothing. Every change is audited with before and after.
 */
export function ruleRoutes(deps: CoreDeps): Router {
  const router = Router();
  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      throw new AppError('unsupported_media_type', 'send the request body as application/json');
    }
    next();
  };
  const json = express.json({ limit: RULES_BODY_LIMIT, type: () => true });
  const actorOf = (req: Request): ClientActor => {
    const client = clientOf(req);
    return { type: 'service', id: client.name, clientId: client.id };
  };
  const check = async (body: unknown): Promise<TRuleInput> => {
    const checked = await checkRuleDocument(deps, body);
    if (!checked.ok) throw refused('the rule is invalid', checked.problems);
    return checked.input;
  };

  route(router, API_V1, RULE_OPERATIONS.listRules, async (_req, res) => {
    res.json(await rulesFileJson(deps));
  });

  route(router, API_V1, RULE_OPERATIONS.createRule, requireJson, json, async (req, res) => {
    if (isObject(req.body) && req.body.priority !== undefined) {
      throw refused('the rule is invalid', [{ path: 'priority', message: UNORDERED }]);
    }
    const rule = await createRule(deps, actorOf(req), await check(req.body));
    res
      .status(201)
      .location(`/api/v1/rules/${rule.id}`)
      .json(await ruleJson(deps, rule.id));
  });

  route(router, API_V1, RULE_OPERATIONS.updateRule, requireJson, json, async (req, res) => {
    const id = String(req.params.id);
    if (!isObject(req.body)) throw refused('the patch is invalid', [{ path: '(body)', message: 'must be an object' }]);
    const current = await ruleJson(deps, id);
    if (req.body.priority !== undefined && req.body.priority !== current.priority) {
      throw refused('the rule is invalid', [{ path: 'priority', message: UNORDERED }]);
    }
    const { id: _id, priority: _priority, managedBy: _managedBy, updatedAt, ...doc } = current;
    const input = await check(mergePatch(doc, { ...req.body, priority: null }));
    // Refused, not overwritten, when the rule changed between the read above and this write.
    await updateRule(deps, actorOf(req), id, input, updatedAt);
    res.json(await ruleJson(deps, id));
  });

  route(router, API_V1, RULE_OPERATIONS.deleteRule, async (req, res) => {
    const id = String(req.params.id);
    if ((await getRule(deps.db, id)) === null) throw new AppError('not_found', `no rule ${id}`);
    await deleteRule(deps, actorOf(req), id);
    res.status(204).end();
  });

  route(router, API_V1, RULE_OPERATIONS.replaceRules, requireJson, json, async (req, res) => {
    const dryRun = parseDryRun(req.query.dryRun);
    const parsed = ZRulesEnvelope.safeParse(req.body);
    if (!parsed.success) throw refused('the rules are invalid', fieldErrors(parsed.error).map(bracketRules));
    const { rules } = parsed.data;
    const ordered = rules
      .map((rule, index) => ({
        rule,
        index,
        key: isObject(rule) && typeof rule.priority === 'number' ? rule.priority : index + 1,
      }))
      .sort((a, b) => a.key - b.key || a.index - b.index);
    const problems: FieldError[] = [];
    const inputs: TRuleInput[] = [];
    const seen = new Map<string, number>();
    for (const { rule, index } of ordered) {
      const checked = await checkRuleDocument(deps, rule);
      if (!checked.ok) {
        problems.push(...checked.problems.map((p) => ({ path: `rules[${index}].${p.path}`, message: p.message })));
        continue;
      }
      const other = seen.get(checked.input.name);
      if (other !== undefined) {
        problems.push({
          path: `rules[${index}].name`,
          message: `rules[${other}] is already called “${checked.input.name}”: names must be unique`,
        });
      }
      seen.set(checked.input.name, index);
      inputs.push(checked.input);
    }
    problems.sort((a, b) => ruleIndex(a.path) - ruleIndex(b.path));
    // No `identities` key: the links are left as they are. With it, they become exactly the file's.
    let identities: IdentitySection | undefined;
    if (parsed.data.identities !== undefined) {
      const checked = checkIdentitySection(parsed.data.identities);
      if (checked.ok) identities = checked.section;
      else problems.push(...checked.problems);
    }
    if (problems.length > 0) {
      throw refused(`${problems.length} problem(s) in the rules; nothing was changed`, problems);
    }
    const client = clientOf(req);
    const diff = dryRun
      ? await diffRulesFile(deps.db, inputs, identities)
      : await applyRulesFile(deps, actorOf(req), inputs, identities, { via: 'api', client: client.name });
    res.json({ dryRun, applied: !dryRun, diff, ...(dryRun ? {} : await rulesFileJson(deps)) });
  });

  return router;
}

/** `rules.3.match` (zod's path) → `rules[3].match`, as the rules' own problems are written. */
function bracketRules(problem: FieldError): FieldError {
  return { ...problem, path: problem.path.replace(/^rules\.(\d+)(?=\.|$)/, 'rules[$1]') };
}

function ruleIndex(path: string): number {
  return Number(/^rules\[(\d+)\]/.exec(path)?.[1] ?? -1);
}
