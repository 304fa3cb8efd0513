import { describe, expect, it } from 'vitest';
import {
  API_KEY_FIELDS,
  buildApiKeyCreatedModal,
  buildApiKeyModal,
  readApiKeyModal,
} from '../../../../src/slack/blocks/api-key-modal.ts';
import { CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { validateView } from '../../../support/block-kit.ts';

describe('API-key modal', () => {
  it('asks for a service name of at most 64 characters', () => {
    const view = buildApiKeyModal();
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK_IDS.keyModal);
    expect(view.blocks[0]).toMatchObject({ block_id: API_KEY_FIELDS.name, element: { max_length: 64 } });
  });

  it('reads the name trimmed, and empty when missing', () => {
    expect(readApiKeyModal({ key_name: { key_name: { type: 'plain_text_input', value: ' deploy-bot ' } } })).toEqual({
      name: 'deploy-bot',
    });
    expect(readApiKeyModal({})).toEqual({ name: '' });
  });

  it('shows a new key and its callback signing secret, each in a block of its own', () => {
    const secret = `gl_${'a'.repeat(32)}`;
    const callbackSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const view = buildApiKeyCreatedModal('deploy-bot', { secret, callbackSecret });
    expect(validateView(view)).toEqual([]);
    const texts = view.blocks.map((block) => JSON.stringify(block));
    expect(texts[0]).toContain(`\`\`\`${secret}\`\`\``);
    expect(texts[0]).toContain('deploy-bot');
    expect(texts[1]).toContain(`\`\`\`${callbackSecret}\`\`\``);
  });
});
