import { describe, expect, it } from 'vitest';
import { API_KEY_FIELDS, buildApiKeyModal, readApiKeyModal } from '../../../../src/slack/blocks/api-key-modal.ts';
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
});
