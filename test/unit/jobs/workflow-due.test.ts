import { describe, expect, it } from 'vitest';
import { escalationDue, expiryWarningDue, latestDueSlot, reminderDue } from '../../../src/jobs/workflow-due.ts';
import { NO_WORKFLOW } from '../../../src/services/routing/rule-schema.ts';
import { requestRow } from '../../support/request-row.ts';

const created = new Date('2026-11-23T10:00:00Z');
const at = (seconds: number) => new Date(created.getTime() + seconds * 1000);
const row = (workflow: object, ttlSeconds = 900, overrides = {}) =>
  requestRow({
    createdAt: created,
    expiresAt: at(ttlSeconds),
    workflow: { ...NO_WORKFLOW, ...workflow },
    ...overrides,
  });

describe('workflow due times', () => {
  const reminding = { reminder: { afterSeconds: 60, repeatSeconds: 120 } };

  it('reminds after afterSeconds, then every repeatSeconds, never at or after the deadline', () => {
    expect(reminderDue(row(reminding), 1)).toEqual(at(60));
    expect(reminderDue(row(reminding), 2)).toEqual(at(180));
    expect(reminderDue(row(reminding, 900), 7)).toEqual(at(780));
    // Slot 8 would fall exactly at the deadline.
    expect(reminderDue(row(reminding, 900), 8)).toBeNull();
    expect(reminderDue(row({ reminder: { afterSeconds: 60, repeatSeconds: null } }), 2)).toBeNull();
    expect(reminderDue(row({}), 1)).toBeNull();
    expect(reminderDue(row(reminding, 900, { status: 'approved' }), 1)).toBeNull();
    expect(reminderDue(row(reminding, 900, { slackError: 'channel_not_found' }), 1)).toBeNull();
  });

  it('covers slots missed during a pause with one reminder: the latest due', () => {
    expect(latestDueSlot(row(reminding), 1, at(61))).toBe(1);
    expect(latestDueSlot(row(reminding), 1, at(500))).toBe(4);
    expect(latestDueSlot(row(reminding, 400), 1, at(5000))).toBe(3);
    expect(latestDueSlot(row(reminding), 5, at(61))).toBe(5);
  });

  it('escalates each level at its delay, while pending and before the deadline', () => {
    const levels = {
      escalation: [
        { afterSeconds: 300, approvers: ['U0B'], channelId: null },
        { afterSeconds: 1000, approvers: ['U0C'], channelId: null },
      ],
    };
    expect(escalationDue(row(levels), 0)).toEqual(at(300));
    expect(escalationDue(row(levels), 1)).toBeNull();
    expect(escalationDue(row(levels, 2000), 1)).toEqual(at(1000));
    expect(escalationDue(row(levels, 2000), 2)).toBeNull();
    expect(escalationDue(row(levels, 2000, { status: 'denied' }), 0)).toBeNull();
  });

  it('warns at 80 % of the time to decide, once, given at least a minute', () => {
    expect(expiryWarningDue(row({}, 600))).toEqual(at(480));
    expect(expiryWarningDue(row({}, 60))).toEqual(at(48));
    expect(expiryWarningDue(row({}, 59))).toBeNull();
    expect(expiryWarningDue(row({}, 600, { expiryWarnedAt: at(480) }))).toBeNull();
    expect(expiryWarningDue(row({}, 600, { status: 'expired' }))).toBeNull();
  });
});
