import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, textInput, type ViewValues } from './kit/inputs.ts';
import { plain } from './kit/text.ts';

/** Block ids (= action ids) of the API-key modal's inputs. */
export const API_KEY_FIELDS = { name: 'key_name' } as const;

/** "Create API key": asks for the service's name; the secret is shown afterwards in a message modal. */
export function buildApiKeyModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.keyModal,
    title: plain('Create API key'),
    submit: plain('Create'),
    close: plain('Cancel'),
    blocks: [
      textInput(API_KEY_FIELDS.name, 'Service name', null, {
        max: 64,
        hint: 'Letters, digits, _ . - (e.g. deploy-bot)',
      }),
    ],
  };
}

/** Reads the API-key modal's state: the service name, trimmed (validated afterwards by the submit handler). */
export function readApiKeyModal(values: ViewValues): { name: string } {
  return { name: (fieldOf(values, API_KEY_FIELDS.name)?.value ?? '').trim() };
}
