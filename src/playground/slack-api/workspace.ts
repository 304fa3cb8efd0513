/**
 * The demo workspace the Playground serves: its people, approver group, approval channel and the
 * Greenlight bot. Ids look like Slack's, so every config check and rule schema accepts them.
 */

export type DemoRole = 'requester' | 'approver' | 'admin';

export interface DemoPerson {
  id: string;
  name: string;
  role: DemoRole;
  /** Shown as the avatar. */
  initials: string;
  /** The avatar's background colour. */
  color: string;
  email: string;
}

export const DEMO_TEAM = { id: 'T0PLAYGRND', name: 'Greenlight Playground', domain: 'greenlight-playground' };
export const DEMO_BOT = { userId: 'U0GREENLGT', botId: 'B0GREENLGT', name: 'Greenlight', appId: 'A0GREENLGT' };

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'U0RITA0001', name: 'Rita', role: 'requester', initials: 'R', color: '#1264a3', email: 'rita@example.test' },
  { id: 'U0ANA00001', name: 'Ana', role: 'approver', initials: 'A', color: '#2bac76', email: 'ana@example.test' },
  { id: 'U0OMAR0001', name: 'Omar', role: 'approver', initials: 'O', color: '#8d2e8f', email: 'omar@example.test' },
  { id: 'U0SAM00001', name: 'Sam', role: 'admin', initials: 'S', color: '#c4532c', email: 'sam@example.test' },
];

export const DEMO_GROUP = {
  id: 'S0APPROVRS',
  handle: 'approvers',
  name: 'Approvers',
  members: ['U0ANA00001', 'U0OMAR0001'],
};

export interface DemoChannel {
  id: string;
  name: string;
}

export const APPROVALS_CHANNEL: DemoChannel = { id: 'C0APPROVAL', name: 'approvals' };
/** Where break-glass and escalations are announced in the demo rules. */
export const SECURITY_CHANNEL: DemoChannel = { id: 'C0SECURITY', name: 'security' };
export const DEMO_CHANNELS: readonly DemoChannel[] = [APPROVALS_CHANNEL, SECURITY_CHANNEL];

export const DEMO_ADMINS = DEMO_PEOPLE.filter((person) => person.role === 'admin').map((person) => person.id);

/** The demo person with this id, if any: the browser may act only as one of them. */
export function demoPerson(id: string): DemoPerson | undefined {
  return DEMO_PEOPLE.find((person) => person.id === id);
}
