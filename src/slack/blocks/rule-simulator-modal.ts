import type { KnownBlock, ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { fieldOf, input, select, textInput, type ViewValues } from './kit/inputs.ts';
import { escapeMrkdwn } from './kit/limits.ts';
import { riskOptions } from './kit/risk.ts';
import { context, plain, section } from './kit/text.ts';

/** Block ids (= action ids) of the rule simulator's inputs. */
export const SIMULATOR_FIELDS = {
  action: 'test_action',
  resource: 'test_resource',
  environment: 'test_env',
  risk: 'test_risk',
  at: 'test_at',
} as const;

/** The most rule verdicts listed: with the two summary sections this keeps the view far below 100 blocks. */
const MAX_VERDICTS = 40;

/** "Test a request": which rule would a request like this match, and why. */
export function buildRuleSimulatorModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.testModal,
    title: plain('Test a request'),
    submit: plain('Test'),
    close: plain('Close'),
    blocks: [
      textInput(SIMULATOR_FIELDS.action, 'Action', 'db.drop_table'),
      textInput(SIMULATOR_FIELDS.resource, 'Resource', 'prod/customers', { max: 500 }),
      textInput(SIMULATOR_FIELDS.environment, 'Environment', null, { optional: true, max: 100 }),
      select(SIMULATOR_FIELDS.risk, 'Risk', riskOptions(), 'medium'),
      input(SIMULATOR_FIELDS.at, 'When', { type: 'datetimepicker' }, { optional: true, hint: 'Empty: now' }),
    ],
  };
}

/** Reads the simulator's state (validated afterwards by the submit handler). */
export function readRuleSimulatorModal(values: ViewValues) {
  const at = fieldOf(values, SIMULATOR_FIELDS.at)?.selected_date_time;
  return {
    action: fieldOf(values, SIMULATOR_FIELDS.action)?.value ?? '',
    resource: fieldOf(values, SIMULATOR_FIELDS.resource)?.value ?? '',
    environment: fieldOf(values, SIMULATOR_FIELDS.environment)?.value?.trim() || null,
    risk: fieldOf(values, SIMULATOR_FIELDS.risk)?.selected_option?.value ?? 'medium',
    at: typeof at === 'number' ? new Date(at * 1000) : null,
  };
}

/** The simulator's answer: the matching rule (or the default route) and each rule's reasons. */
export function buildRuleSimulatorResult(input: {
  action: string;
  resource: string;
  environment: string | null;
  risk: string;
  at: Date;
  match: { name: string; outcome: string } | null;
  verdicts: Array<{ name: string; matched: boolean; reasons: string[] }>;
}): ModalView {
  const environment = input.environment ? ` in ${escapeMrkdwn(input.environment)}` : '';
  const blocks: KnownBlock[] = [
    section(
      `\`${escapeMrkdwn(input.action)}\` on \`${escapeMrkdwn(input.resource)}\`${environment}, ` +
        `${input.risk} risk, at ${slackDate(input.at, '{date_short_pretty} {time}')}`,
    ),
    section(
      input.match === null
        ? '*No rule matches:* the default route applies.'
        : `*Matches rule “${escapeMrkdwn(input.match.name)}”* → ${input.match.outcome.replace('_', ' ')}`,
    ),
  ];
  for (const verdict of input.verdicts.slice(0, MAX_VERDICTS)) {
    blocks.push(
      context(
        `${verdict.matched ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(verdict.name)}* — ${verdict.reasons.map(escapeMrkdwn).join('; ')}`,
      ),
    );
  }
  return { type: 'modal', title: plain('Test result'), close: plain('Done'), blocks };
}
