import { describe, expect, it } from 'vitest';
import {
  API_KEY_FIELDS,
  buildApiKeyCreatedModal,
  buildApiKeyModal,
  readApiKeyModal,
} from '../../../../src/slack/blocks/api-key-modal.ts';
import { CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { validateView } from '../../../support/block-kit.ts';

const scopeOption = (value: string) => ({ value, text: { type: 'plain_text' as const, text: value } });

describe('API-key modal', () => {
  it('asks for a service name of at most 64 characters, and a scope (request by default)', () => {
    const view = buildApiKeyModal();
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK_IDS.keyModal);
    expect(view.blocks[0]).toMatchObject({ block_id: API_KEY_FIELDS.name, element: { max_length: 64 } });
    expect(view.blocks[1]).toMatchObject({
      block_id: API_KEY_FIELDS.scope,
      element: { type: 'static_select', initial_option: { value: 'request' } },
    });
    const values = (view.blocks[1] as { element: { options: Array<{ value: string }> } }).element.options;
    expect(values.map((o) => o.value)).toEqual(['request', 'admin']);
  });

  it('reads the name trimmed and the scope; empty and request when missing', () => {
    const name = { key_name: { key_name: { type: 'plain_text_input', value: ' deploy-bot ' } } };
    expect(readApiKeyModal(name)).toEqual({ name: 'deploy-bot', scope: 'request' });
    const admin = { key_scope: { key_scope: { type: 'static_select', selected_option: scopeOption('admin') } } };
    expect(readApiKeyModal({ ...name, ...admin })).toEqual({ name: 'deploy-bot', scope: 'admin' });
    const odd = { key_scope: { key_scope: { type: 'static_select', selected_option: scopeOption('root') } } };
    expect(readApiKeyModal({ ...name, ...odd })).toEqual({ name: 'deploy-bot', scope: 'request' });
    expect(readApiKeyModal({})).toEqual({ name: '', scope: 'request' });
  });

  it('shows a new key and its callback signing secret, each in a block of its own', () => {
    const secret = `gl_${'a'.repeat(32)}`;
    const callbackSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const view = buildApiKeyCreatedModal('deploy-bot', { secret, callbackSecret, scope: 'admin' });
    expect(validateView(view)).toEqual([]);
    const texts = view.blocks.map((block) => JSON.stringify(block));
    expect(texts[0]).toContain(`\`\`\`${secret}\`\`\``);
    expect(texts[0]).toContain('deploy-bot');
    expect(texts[0]).toContain('Admin key');
    expect(texts[1]).toContain(`\`\`\`${callbackSecret}\`\`\``);
  });
});
