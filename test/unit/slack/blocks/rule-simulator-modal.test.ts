import { describe, expect, it } from 'vitest';
import {
  buildRuleSimulatorModal,
  buildRuleSimulatorResult,
  readRuleSimulatorModal,
} from '../../../../src/slack/blocks/rule-simulator-modal.ts';
import { validateView } from '../../../support/block-kit.ts';
import { submitUnchanged } from '../../../support/view-state.ts';

const at = new Date('2026-11-23T10:15:00Z');
const result = (overrides: Partial<Parameters<typeof buildRuleSimulatorResult>[0]> = {}) =>
  buildRuleSimulatorResult({
    action: 'db.drop_table',
    resource: 'prod/customers',
    environment: null,
    risk: 'high',
    at,
    match: null,
    verdicts: [],
    ...overrides,
  });

describe('rule simulator', () => {
  it('offers an example request at medium risk, now', () => {
    expect(readRuleSimulatorModal(submitUnchanged(buildRuleSimulatorModal()))).toEqual({
      action: 'db.drop_table',
      resource: 'prod/customers',
      environment: null,
      risk: 'medium',
      at: null,
    });
  });

  it('reads the chosen time in seconds as a date', () => {
    const values = submitUnchanged(buildRuleSimulatorModal());
    (values.test_at as Record<string, unknown>).test_at = { type: 'datetimepicker', selected_date_time: 1795428900 };
    expect(readRuleSimulatorModal(values).at).toEqual(at);
  });

  it('says which rule matches, or that the default route applies', () => {
    expect(JSON.stringify(result())).toContain('*No rule matches:* the default route applies.');
    expect(JSON.stringify(result({ match: { name: 'Prod <dbs>', outcome: 'auto_deny' } }))).toContain(
      '*Matches rule “Prod &lt;dbs&gt;”* → auto deny',
    );
  });

  it('shows when the request was tested in each viewer’s time zone', () => {
    expect(JSON.stringify(result({ environment: 'production' }))).toContain(
      '`db.drop_table` on `prod/customers` in production, high risk, at <!date^1795428900^{date_short_pretty} {time}|2026-11-23 10:15 UTC>',
    );
  });

  it('stays inside Block Kit limits however many rules and reasons there are', () => {
    const long = 'x'.repeat(5000);
    const view = result({
      verdicts: Array.from({ length: 200 }, (_, i) => ({ name: `r${i}`, matched: i === 0, reasons: [long] })),
    });
    expect(validateView(view)).toEqual([]);
    expect(validateView(buildRuleSimulatorModal())).toEqual([]);
  });
});
