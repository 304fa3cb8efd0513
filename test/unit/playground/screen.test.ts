import { describe, expect, it } from 'vitest';
import { buildScreen } from '../../../src/playground/screen.ts';
import { PlaygroundStore } from '../../../src/playground/slack-api/store.ts';
import { DEMO_BOT, demoPerson } from '../../../src/playground/slack-api/workspace.ts';

const rita = demoPerson('U0RITA0001');
const ana = demoPerson('U0ANA00001');

describe('what the page shows a person', () => {
  if (rita === undefined || ana === undefined) throw new Error('demo people missing');

  it('shows a DM with Greenlight to its person only', () => {
    const store = new PlaygroundStore();
    const dm = store.dmWith(rita.id);
    store.putMessage({ channel: dm.id, ts: store.nextTs(), user: DEMO_BOT.userId, text: 'Your request was approved' });
    expect(buildScreen(store, { person: rita, at: dm.id }).main).toContain('Your request was approved');
    expect(() => buildScreen(store, { person: ana, at: dm.id })).toThrow('channel_not_found');
  });

  it('shows an ephemeral and a modal to their person only', () => {
    const store = new PlaygroundStore();
    store.addEphemeral({ channel: 'C0APPROVAL', ts: store.nextTs(), user: rita.id, text: 'Only for Rita' });
    store.openModal(rita.id, { type: 'modal', title: { type: 'plain_text', text: 'Rita’s modal' }, blocks: [] });
    const forRita = buildScreen(store, { person: rita, at: 'C0APPROVAL' });
    const forAna = buildScreen(store, { person: ana, at: 'C0APPROVAL' });
    expect(forRita.main).toContain('Only for Rita');
    expect(forRita.modal).toContain('Rita’s modal');
    expect(forAna.main).not.toContain('Only for Rita');
    expect(forAna.modal).toBe('');
  });

  it('says in an empty conversation what lands there and how to make it happen', () => {
    const store = new PlaygroundStore();
    expect(buildScreen(store, { person: rita, at: 'C0APPROVAL' }).main).toContain(
      'press <strong>Send request</strong>',
    );
    expect(buildScreen(store, { person: rita, at: 'C0SECURITY' }).main).toContain('Break-glass approvals');
    expect(buildScreen(store, { person: rita, at: 'C0GENERAL1' }).main).toContain('not_in_channel');
    expect(buildScreen(store, { person: rita, at: store.dmWith(rita.id).id }).main).toContain(
      'Greenlight writes here about your requests',
    );
    store.putMessage({ channel: 'C0APPROVAL', ts: store.nextTs(), user: DEMO_BOT.userId, text: 'A card' });
    expect(buildScreen(store, { person: rita, at: 'C0APPROVAL' }).main).not.toContain('No requests yet');
  });
});
