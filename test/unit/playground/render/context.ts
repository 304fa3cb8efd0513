import type { RenderContext } from '../../../../src/playground/render/index.ts';

const USERS: Record<string, string> = { U0REQUEST1: 'Rita', U0APPROVA1: 'Ana', U0ADMIN01: 'Omar' };
const CHANNELS: Record<string, string> = { C0APPROVAL: 'approvals' };
const GROUPS: Record<string, string> = { S0APPROVER: 'approvers' };

/** A render context with the demo people, channel and group, at a fixed "now" in UTC. */
export function demoContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    surface: 'message',
    userName: (id) => USERS[id],
    channelName: (id) => CHANNELS[id],
    groupName: (id) => GROUPS[id],
    now: new Date('2026-11-23T10:00:00Z'),
    timeZone: 'UTC',
    ...overrides,
  };
}
