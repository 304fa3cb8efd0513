import type { ModalView } from '@slack/types';
import type { ApiKeyScope } from '../../domain/api-key-scope.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, option, select, textInput, type ViewValues } from './kit/inputs.ts';
import { LIMITS, truncate } from './kit/limits.ts';
import { context, plain, section } from './kit/text.ts';

/** Block ids (= action ids) of the API-key modal's inputs. */
export const API_KEY_FIELDS = { name: 'key_name', scope: 'key_scope' } as const;

/**
 * "Create API key": asks for the service's name and the key's scope (request unless chosen);
 * the secret is shown afterwards in a message modal.
 */
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
      select(
        API_KEY_FIELDS.scope,
        'Scope',
        [
          option('Request: ask for approvals', 'request'),
          option('Admin: also export and verify the audit trail', 'admin'),
        ],
        'request',
      ),
    ],
  };
}

/**
 * Reads the API-key modal's state: the service name, trimmed (validated afterwards by the submit
 * handler), and the scope, `request` unless `admin` was chosen (a form from before scopes had none).
 */
export function readApiKeyModal(values: ViewValues): { name: string; scope: ApiKeyScope } {
  const scope = fieldOf(values, API_KEY_FIELDS.scope)?.selected_option?.value;
  return {
    name: (fieldOf(values, API_KEY_FIELDS.name)?.value ?? '').trim(),
    scope: scope === 'admin' ? 'admin' : 'request',
  };
}

/**
 * "API key created": the key and its callback signing secret, each shown this once — Greenlight keeps
 * only the key's hash, and the signing secret encrypted, never to be displayed again.
 */
export function buildApiKeyCreatedModal(
  name: string,
  created: { secret: string; callbackSecret: string; scope: ApiKeyScope },
): ModalView {
  return {
    type: 'modal',
    title: plain(truncate('API key created', LIMITS.modalTitle)),
    close: plain('Done'),
    blocks: [
      section(
        `${created.scope === 'admin' ? 'Admin key' : 'Key'} for *${name}* — copy it now; Greenlight stores only its hash and cannot show it again:\n\`\`\`${created.secret}\`\`\``,
      ),
      section(
        `Callback signing secret — verify the \`webhook-signature\` of this key's callbacks with it (Standard Webhooks). Copy it now too; it is not shown again:\n\`\`\`${created.callbackSecret}\`\`\``,
      ),
      context('Keep both in your secret store. Revoke the key in App Home to replace them.'),
    ],
  };
}
