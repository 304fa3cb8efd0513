import type { InputBlock, PlainTextOption } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildRequestModal,
  describeSeconds,
  parseCommandText,
  REQUEST_FIELDS,
  ttlChoices,
} from '../../../../src/slack/blocks/request-modal.ts';
import { validateView } from '../../../support/block-kit.ts';

const ttl = { min: 30, max: 86400, default: 900 };

describe('request modal', () => {
  it('parses /request-action text into a prefill', () => {
    expect(parseCommandText('  db.drop_table   prod/customers because  it is replaced ')).toEqual({
      action: 'db.drop_table',
      resource: 'prod/customers',
      reason: 'it is replaced',
    });
    expect(parseCommandText('')).toEqual({});
    expect(parseCommandText('deploy.prod')).toEqual({ action: 'deploy.prod' });
  });

  it('offers time-to-decide choices inside the configured bounds, always with the default', () => {
    expect(ttlChoices(60, 3600, 900)).toEqual([300, 900, 1800, 3600]);
    expect(ttlChoices(30, 86400, 45)).toEqual([45, 300, 900, 1800, 3600, 14400, 28800, 86400]);
  });

  it('labels times to decide in words', () => {
    expect([45, 60, 900, 3600, 7200, 86400, 172800].map(describeSeconds)).toEqual([
      '45 seconds',
      '1 minute',
      '15 minutes',
      '1 hour',
      '2 hours',
      '1 day',
      '2 days',
    ]);
  });

  it('prefills from the command, preselects medium risk and the default time, and reads back by field id', () => {
    const view = buildRequestModal({
      prefill: { action: 'db.drop_table', resource: 'prod/customers', reason: 'replaced' },
      ttl,
    });
    const inputs = view.blocks as InputBlock[];
    expect(inputs.map((b) => [b.block_id, (b.element as { action_id: string }).action_id])).toEqual(
      Object.values(REQUEST_FIELDS).map((id) => [id, id]),
    );
    const element = (id: string) =>
      inputs.find((b) => b.block_id === id)?.element as unknown as Record<string, unknown>;
    expect(element(REQUEST_FIELDS.action).initial_value).toBe('db.drop_table');
    expect(element(REQUEST_FIELDS.resource).initial_value).toBe('prod/customers');
    expect(element(REQUEST_FIELDS.reason)).toMatchObject({ initial_value: 'replaced', multiline: true });
    expect((element(REQUEST_FIELDS.risk).initial_option as PlainTextOption).value).toBe('medium');
    expect((element(REQUEST_FIELDS.risk).options as PlainTextOption[]).map((o) => o.text.text)).toEqual([
      'Low',
      'Medium',
      'High',
      'Critical',
    ]);
    expect(element(REQUEST_FIELDS.ttl).initial_option).toEqual({
      text: { type: 'plain_text', text: '15 minutes', emoji: true },
      value: '900',
    });
    expect(inputs.find((b) => b.block_id === REQUEST_FIELDS.environment)?.optional).toBe(true);
  });

  it('builds views Slack accepts, even with long prefills', () => {
    const modal = buildRequestModal({
      prefill: parseCommandText(`${'a'.repeat(300)} ${'r'.repeat(600)} ${'why '.repeat(1000)}`),
      ttl,
    });
    expect(validateView(modal)).toEqual([]);
  });
});
