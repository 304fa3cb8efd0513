import { ADMIN, AUTHED, BY_ID, type Json, type Operation, ref, WITH_BODY } from '../operation.ts';

/** The `{id}` of the rules routes. */
const RULE_ID_PARAMETER: Json = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The rule id (GET /api/v1/rules lists them).',
  schema: { type: 'string', format: 'uuid' },
};

/** How every rule is checked, for the rules routes' descriptions. */
const RULE_CHECKS =
  'Checked by the same schema and checks as the App Home rule editor, with the same messages: `fields` lists every problem by its path in the document (`match.actions.0`, `reminder.afterSeconds`, `escalation.1.channel` …), and nothing is changed.';

/** The routing-rules-as-code routes (`/api/v1/rules…`), for admin keys. */
export const RULE_OPERATIONS = {
  listRules: {
    method: 'get',
    path: '/api/v1/rules',
    operationId: 'listRules',
    tags: ['rules'],
    summary: 'List the routing rules (admin keys)',
    description:
      'Every routing rule in priority order (the first enabled match wins), each as its rule document in canonical form with its id, position and `managedBy`; and every identity link (`identities.github`: login → Slack user id). Together, a rules file’s content: `greenlight rules export` writes it.',
    scope: 'admin',
    ok: { status: 200, description: 'The rules.', schema: ref('RuleList') },
    errors: [...AUTHED, ...ADMIN],
  },
  createRule: {
    method: 'post',
    path: '/api/v1/rules',
    operationId: 'createRule',
    tags: ['rules'],
    summary: 'Add a routing rule at the end (admin keys)',
    description: `Adds the rule last in the list; audited as \`rule.created\`. ${RULE_CHECKS} \`priority\` cannot be given: reorder with PUT /api/v1/rules or in App Home.`,
    scope: 'admin',
    body: { schema: ref('RuleDocument'), required: true },
    ok: {
      status: 201,
      description: 'The new rule.',
      schema: ref('Rule'),
      headers: { Location: { description: 'The new rule’s URL path.', schema: { type: 'string' } } },
    },
    errors: [...AUTHED, ...ADMIN, ...WITH_BODY],
  },
  replaceRules: {
    method: 'put',
    path: '/api/v1/rules',
    operationId: 'replaceRules',
    tags: ['rules'],
    summary: 'Replace every routing rule with a list (admin keys)',
    description: `Rules as code: the list becomes the whole set, in its order (or by \`priority\`). Rules are matched by name: new names are added, others changed in place, rules missing from the list deleted; every rule of the list is marked \`managedBy: file\` (App Home shows it managed as code). Applied in one transaction, all or nothing, each change audited with before and after, then \`rules.applied\`. With \`identities\`, the identity links become exactly the body's in the same transaction (audited \`identity.replaced\`); without that key they are left as they are. With \`dryRun=true\` only the diff is answered. ${RULE_CHECKS} Paths start with the rule's index in the list: \`rules[3].match.actions.0\`; identity problems are named \`identities.github.<login>\`.`,
    scope: 'admin',
    parameters: [
      {
        name: 'dryRun',
        in: 'query',
        required: false,
        description: 'true: answer the diff without changing anything.',
        schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
      },
    ],
    body: { schema: ref('RulesBody'), required: true },
    ok: { status: 200, description: 'What changed (or would change).', schema: ref('RulesApplied') },
    errors: [...AUTHED, ...ADMIN, ...WITH_BODY],
  },
  updateRule: {
    method: 'patch',
    path: '/api/v1/rules/{id}',
    operationId: 'updateRule',
    tags: ['rules'],
    summary: 'Change some fields of a rule (admin keys)',
    description: `A JSON Merge Patch (RFC 7396) of the rule's document: objects merge field by field, \`null\` resets a field to its default, anything else replaces it. The merged rule is then checked whole; audited as \`rule.updated\` with before and after. ${RULE_CHECKS}`,
    scope: 'admin',
    parameters: [RULE_ID_PARAMETER],
    body: { schema: { type: 'object', description: 'Any fields of a RuleDocument.' }, required: true },
    ok: { status: 200, description: 'The rule as it now stands.', schema: ref('Rule') },
    errors: [...AUTHED, ...ADMIN, ...BY_ID, ...WITH_BODY, 'conflict'],
  },
  deleteRule: {
    method: 'delete',
    path: '/api/v1/rules/{id}',
    operationId: 'deleteRule',
    tags: ['rules'],
    summary: 'Delete a rule (admin keys)',
    description: 'The rule stops routing requests at once; audited as `rule.deleted` with what it was.',
    scope: 'admin',
    parameters: [RULE_ID_PARAMETER],
    ok: { status: 204, description: 'Deleted.', schema: {} },
    errors: [...AUTHED, ...ADMIN, ...BY_ID],
  },
} satisfies Record<string, Operation>;
