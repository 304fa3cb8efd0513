import { describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import { buttonsOf, dmsTo, eventually, REQUESTER, startLifecycleApp, waitForCard } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type View = {
  callback_id: string;
  private_metadata: string;
  blocks: Array<{ block_id: string; element?: { initial_value?: string; initial_option?: { value: string } } }>;
};

describe('/request-action', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  const values = (
    v: Partial<Record<'action' | 'resource' | 'environment' | 'reason', string>> & { risk?: string; ttl?: string },
  ) => ({
    action: { action: { type: 'plain_text_input', value: v.action ?? null } },
    resource: { resource: { type: 'plain_text_input', value: v.resource ?? null } },
    environment: { environment: { type: 'plain_text_input', value: v.environment ?? null } },
    risk: { risk: { type: 'static_select', selected_option: v.risk ? { value: v.risk } : null } },
    reason: { reason: { type: 'plain_text_input', value: v.reason ?? null } },
    ttl: { ttl: { type: 'static_select', selected_option: v.ttl ? { value: v.ttl } : null } },
  });

  it('acks at once and opens a modal prefilled from the command text', async () => {
    const trigger = `trigger-${Date.now()}`;
    const res = await t.sender.slashCommand({
      command: '/request-action',
      text: 'db.drop_table prod/customers because the table was replaced',
      user_id: REQUESTER,
      trigger_id: trigger,
    });
    expect(res.status).toBe(200);
    const opened = await t.slack.waitForCall('views.open', (c) => c.args.trigger_id === trigger);
    const view = opened.args.view as View;
    expect(view.callback_id).toBe('request_action_modal');
    const initial = Object.fromEntries(
      view.blocks.map((b) => [b.block_id, b.element?.initial_value ?? b.element?.initial_option?.value]),
    );
    expect(initial).toMatchObject({
      action: 'db.drop_table',
      resource: 'prod/customers',
      reason: 'the table was replaced',
      risk: 'medium',
      ttl: '900',
    });
  });

  it('answers invalid fields inline and creates nothing', async () => {
    const res = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'request_action_modal',
      values: values({ action: 'drop table!', resource: 'prod/x', reason: '', risk: 'medium', ttl: '999999999' }),
    });
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['action', 'reason', 'ttl']);
    expect(body.errors.reason).toBe('is required');
    const rows = await query(t.database.url, 'SELECT 1 FROM approval_requests');
    expect(rows).toHaveLength(0);
  });

  it('creates the request through the same path as the webhook and confirms with a link', async () => {
    const res = await t.sender.viewSubmission({
      user_id: REQUESTER,
      callback_id: 'request_action_modal',
      values: values({
        action: 'iam.grant_admin',
        resource: 'aws/prod-account',
        environment: 'production',
        reason: 'Incident INC-42 needs admin for an hour',
        risk: 'critical',
        ttl: '900',
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [row] = await query<{
      id: string;
      source: string;
      requester_slack_id: string;
      risk: string;
      expires_at: Date;
      created_at: Date;
    }>(t.database.url, 'SELECT id, source, requester_slack_id, risk, expires_at, created_at FROM approval_requests');
    expect(row).toMatchObject({ source: 'slack', requester_slack_id: REQUESTER, risk: 'critical' });
    expect((row?.expires_at.getTime() ?? 0) - (row?.created_at.getTime() ?? 0)).toBe(900_000);
    const card = await waitForCard(t, row?.id as string);
    expect(buttonsOf(card)[0]?.confirm).toBeDefined();
    await eventually(() =>
      dmsTo(t, REQUESTER).some((m) => m.includes('waiting for approval') && m.includes('https://slack.com/archives/')),
    );
  });
});
