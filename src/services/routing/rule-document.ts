import { z } from 'zod';
import type { FieldError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { checkInput, fieldErrors } from '../requests/input.ts';
import { ruleProblems } from './rule-problems.ts';
import {
  type TRuleInput,
  ZBreakGlass,
  ZEscalationLevel,
  ZNeedsInfo,
  ZReminder,
  ZRuleInput,
  ZStage,
} from './rule-schema.ts';

/*
 * The public rule document: the JSON the admin API speaks and the YAML a rules file holds. Its
 * fields are built from the very schemas of the stored rule (ZRuleInput and its parts in
 * rule-schema.ts), so a value refused here is refused with the same words as in the App Home
 * editor; `ruleProblems` then checks both the same way. Only the names differ (`match.actions` for
 * `actionPatterns`, `channel` for `channelId` …): `publicPath`/`internalPath` translate problem
 * paths between the two.
 */

const RULE = ZRuleInput.shape;
const TIME = RULE.timeCondition.unwrap().shape;

/** A glob or a list of globs (any one may match). */
function globs(list: typeof RULE.actionPatterns) {
  return z.union([list.element, list]).meta({ description: 'A glob, or a list of globs any one of which may match.' });
}

const ZTime = z
  .strictObject({
    mode: TIME.mode.default('inside'),
    days: TIME.days.default([1, 2, 3, 4, 5]).meta({ description: 'Weekdays, 1 = Monday … 7 = Sunday.' }),
    start: TIME.start.meta({ examples: ['09:00'] }),
    end: TIME.end.meta({ examples: ['18:00'] }),
    timeZone: TIME.timeZone.default('UTC').meta({ examples: ['Europe/Berlin'] }),
  })
  .meta({ description: 'Local-time window: the rule holds inside (or outside) start–end on these days.' });

const ZMatch = z
  .strictObject({
    actions: globs(RULE.actionPatterns).default('*'),
    resources: globs(RULE.resourcePatterns).default('**'),
    environments: RULE.environments.default([]).meta({ description: 'Empty: any environment.' }),
    minRisk: RULE.minRisk.default(null),
    time: ZTime.nullable().default(null),
    annotations: RULE.annotations.unwrap().default(null).meta({
      description:
        "MCP tool calls only: hints the tool must have, e.g. { destructiveHint: true } (hints a tool leaves out take the MCP specification's defaults).",
    }),
    resourceFrom: RULE.resourceFrom
      .unwrap()
      .default(null)
      .meta({
        description:
          'MCP tool calls only: the argument whose value is the resource (`arguments.repo`), matched by `resources` and bound into the grant; a call without it keeps its own resource.',
        examples: ['arguments.repo'],
      }),
  })
  .meta({ description: 'When the rule applies: every condition given must hold.' });

const ZStageDocument = z.strictObject({
  name: ZStage.shape.name,
  approvers: ZStage.shape.approvers,
  requiredApprovals: ZStage.shape.requiredApprovals.default(1),
});

const ZReminderDocument = z.strictObject({
  afterSeconds: ZReminder.shape.afterSeconds,
  repeatSeconds: ZReminder.shape.repeatSeconds.default(null),
});

const ZEscalationDocument = z.strictObject({
  afterSeconds: ZEscalationLevel.shape.afterSeconds,
  approvers: ZEscalationLevel.shape.approvers,
  channel: ZEscalationLevel.shape.channelId.default(null),
});

const ZBreakGlassDocument = z.strictObject({
  allowed: ZBreakGlass.shape.allowed.default(true),
  channel: ZBreakGlass.shape.channelId.default(null),
});

const ZNeedsInfoDocument = z.strictObject({ extendSeconds: ZNeedsInfo.shape.extendSeconds });

/**
 * One routing rule as the admin API and rules files give it. Omitted optional fields take their
 * defaults (any action and resource, require approval, one approval, no workflow); unknown fields
 * are refused, so a misspelt one is not silently dropped.
 */
export const ZRuleDocument = z
  .strictObject({
    name: RULE.name,
    priority: z.int().min(1).optional().meta({
      description:
        'Position in the list (1 = first). In PUT /rules the list is ordered by it (ties keep file order); omitted, the order of the list is the priority.',
    }),
    enabled: RULE.enabled.default(true),
    match: ZMatch.prefault({}),
    outcome: RULE.outcome.default('require_approval'),
    denyMessage: RULE.denyMessage.default(null),
    channel: RULE.channelId.default(null).meta({ description: 'Where cards are posted; null: APPROVAL_CHANNEL.' }),
    approvers: RULE.approvers.default([]).meta({ description: 'Slack user (U…/W…) and user-group (S…) ids.' }),
    requiredApprovals: RULE.requiredApprovals.default(1),
    ttlSeconds: RULE.ttlSeconds.default(null),
    grantSeconds: RULE.grantSeconds.default(null),
    requireReason: RULE.requireReason.default(false),
    stages: z
      .array(ZStageDocument)
      .min(1, 'needs at least one stage')
      .max(10)
      .nullable()
      .default(null)
      .meta({ description: 'Sequential stages; replace approvers/requiredApprovals.' }),
    reminder: ZReminderDocument.nullable().default(null),
    escalation: z.array(ZEscalationDocument).max(10).default([]),
    breakGlass: ZBreakGlassDocument.nullable().default(null),
    needsInfo: ZNeedsInfoDocument.nullable().default(null),
  })
  .meta({ description: 'A routing rule (the rules-as-code document).' });

/** A rule document as written (fields optional). */
export type RuleDocument = z.input<typeof ZRuleDocument>;
/** A rule document with every default filled in. */
export type TRuleDocument = z.output<typeof ZRuleDocument>;

const asList = (value: string | string[]): string[] => (typeof value === 'string' ? [value] : value);

/** The stored rule a (parsed) document stands for. */
export function toRuleInput(doc: TRuleDocument): TRuleInput {
  const { match } = doc;
  return {
    name: doc.name,
    enabled: doc.enabled,
    actionPatterns: asList(match.actions),
    resourcePatterns: asList(match.resources),
    environments: match.environments,
    minRisk: match.minRisk,
    timeCondition: match.time,
    annotations: match.annotations,
    resourceFrom: match.resourceFrom,
    outcome: doc.outcome,
    denyMessage: doc.denyMessage,
    channelId: doc.channel,
    approvers: doc.approvers,
    requiredApprovals: doc.requiredApprovals,
    ttlSeconds: doc.ttlSeconds,
    grantSeconds: doc.grantSeconds,
    requireReason: doc.requireReason,
    stages: doc.stages,
    reminder: doc.reminder,
    escalation: doc.escalation.map(({ afterSeconds, approvers, channel }) => ({
      afterSeconds,
      approvers,
      channelId: channel,
    })),
    breakGlass: doc.breakGlass === null ? null : { allowed: doc.breakGlass.allowed, channelId: doc.breakGlass.channel },
    needsInfo: doc.needsInfo,
  };
}

const oneOrMany = (list: string[]): string | string[] => (list.length === 1 ? (list[0] as string) : list);

/**
 * A stored rule as a document, in its canonical (stable, round-trippable) form: `name`, `enabled`,
 * `match.actions`, `match.resources` and `outcome` are always written; every other top-level field
 * only when it differs from its default; a single glob as a string, several as a list; inside
 * stages, reminder, escalation levels and break-glass every field that is not null. Keys come in
 * the contract's order. Parsing the result gives back the same rule, and documenting a rule parsed
 * from a canonical document gives back that document.
 */
export function toRuleDocument(rule: TRuleInput): RuleDocument {
  const doc: RuleDocument = {
    name: rule.name,
    enabled: rule.enabled,
    match: {
      actions: oneOrMany(rule.actionPatterns),
      resources: oneOrMany(rule.resourcePatterns),
      ...(rule.environments.length > 0 ? { environments: rule.environments } : {}),
      ...(rule.minRisk === null ? {} : { minRisk: rule.minRisk }),
      ...(rule.timeCondition === null ? {} : { time: { ...rule.timeCondition } }),
      ...(rule.annotations ? { annotations: { ...rule.annotations } } : {}),
      ...(rule.resourceFrom ? { resourceFrom: rule.resourceFrom } : {}),
    },
    outcome: rule.outcome,
  };
  if (rule.denyMessage !== null) doc.denyMessage = rule.denyMessage;
  if (rule.channelId !== null) doc.channel = rule.channelId;
  if (rule.approvers.length > 0) doc.approvers = rule.approvers;
  if (rule.requiredApprovals !== 1) doc.requiredApprovals = rule.requiredApprovals;
  if (rule.ttlSeconds !== null) doc.ttlSeconds = rule.ttlSeconds;
  if (rule.grantSeconds !== null) doc.grantSeconds = rule.grantSeconds;
  if (rule.requireReason) doc.requireReason = true;
  if (rule.stages !== null) doc.stages = rule.stages.map((stage) => ({ ...stage }));
  if (rule.reminder !== null) {
    doc.reminder = {
      afterSeconds: rule.reminder.afterSeconds,
      ...(rule.reminder.repeatSeconds === null ? {} : { repeatSeconds: rule.reminder.repeatSeconds }),
    };
  }
  if (rule.escalation.length > 0) {
    doc.escalation = rule.escalation.map((level) => ({
      afterSeconds: level.afterSeconds,
      approvers: level.approvers,
      ...(level.channelId === null ? {} : { channel: level.channelId }),
    }));
  }
  if (rule.breakGlass !== null) {
    doc.breakGlass = {
      allowed: rule.breakGlass.allowed,
      ...(rule.breakGlass.channelId === null ? {} : { channel: rule.breakGlass.channelId }),
    };
  }
  if (rule.needsInfo !== null) doc.needsInfo = { extendSeconds: rule.needsInfo.extendSeconds };
  return doc;
}

/** Top-level fields of the stored rule whose public name differs (the rest keep theirs). */
const TO_PUBLIC: Record<string, string[]> = {
  actionPatterns: ['match', 'actions'],
  resourcePatterns: ['match', 'resources'],
  environments: ['match', 'environments'],
  minRisk: ['match', 'minRisk'],
  timeCondition: ['match', 'time'],
  annotations: ['match', 'annotations'],
  resourceFrom: ['match', 'resourceFrom'],
  channelId: ['channel'],
};

/**
 * A problem path of the stored rule as the document names it: `actionPatterns.0` →
 * `match.actions.0`, `timeCondition.start` → `match.time.start`, `channelId` → `channel`,
 * `escalation.1.channelId` → `escalation.1.channel`, `breakGlass.channelId` → `breakGlass.channel`.
 */
export function publicPath(path: string): string {
  const [head = '', ...rest] = path.split('.');
  const tail = rest.map((part, index) => (part === 'channelId' && index === rest.length - 1 ? 'channel' : part));
  return [...(TO_PUBLIC[head] ?? [head]), ...tail].join('.');
}

/** The reverse of {@link publicPath}: a document's problem path as the stored rule names it. */
export function internalPath(path: string): string {
  const parts = path.split('.');
  for (const [internal, external] of Object.entries(TO_PUBLIC)) {
    if (external.every((part, index) => parts[index] === part)) {
      parts.splice(0, external.length, internal);
      break;
    }
  }
  const last = parts.length - 1;
  if (parts.length > 1 && parts[last] === 'channel') parts[last] = 'channelId';
  return parts.join('.');
}

/**
 * Field problems of a failed document parse. A glob-or-list field that is neither is reported
 * once, in words; one that is a list with a bad element reports that element's own problem.
 */
function documentErrors(error: z.ZodError): FieldError[] {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] => {
    if (issue.code !== 'invalid_union') return [issue];
    // The branch that got past its type check (a string, or a list) says what is wrong with the value.
    const branch = issue.errors.find((errors) =>
      errors.every((e) => !(e.code === 'invalid_type' && e.path.length === 0)),
    );
    if (branch === undefined) return [{ ...issue, message: 'must be a glob or a list of globs' }];
    return branch.map((e) => ({ ...e, path: [...issue.path, ...e.path] }));
  });
  return fieldErrors(new z.ZodError(issues));
}

/** The outcome of checking a rule: the stored rule it stands for, or every problem with it. */
export type RuleCheck = { ok: true; input: TRuleInput } | { ok: false; problems: FieldError[] };

/**
 * The one validation every editor goes through (App Home, the admin API, rules files): the stored
 * rule's schema, then its semantic checks (globs, time zone, approvers enough for the quorum …).
 * Problem paths name the stored rule's fields.
 */
export async function checkRuleInput(
  deps: Pick<CoreDeps, 'slack' | 'config' | 'caches'>,
  candidate: unknown,
): Promise<RuleCheck> {
  const parsed = checkInput(ZRuleInput, candidate);
  if (!parsed.success) return { ok: false, problems: parsed.problems };
  const problems = await ruleProblems(deps, parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, input: parsed.data };
}

/** A rule document checked as {@link checkRuleInput} checks a rule, with problem paths as the document names them. */
export async function checkRuleDocument(
  deps: Pick<CoreDeps, 'slack' | 'config' | 'caches'>,
  value: unknown,
): Promise<RuleCheck> {
  const parsed = ZRuleDocument.safeParse(value);
  if (!parsed.success) return { ok: false, problems: documentErrors(parsed.error) };
  const checked = await checkRuleInput(deps, toRuleInput(parsed.data));
  if (!checked.ok) {
    return { ok: false, problems: checked.problems.map((p) => ({ path: publicPath(p.path), message: p.message })) };
  }
  return checked;
}
