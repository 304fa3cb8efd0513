import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, input, textInput, type ViewValues } from './kit/inputs.ts';
import { plain } from './kit/text.ts';

/** Block ids (= action ids) of the identity modal's inputs. */
export const IDENTITY_FIELDS = { login: 'identity_login', user: 'identity_user' } as const;

/** "Link GitHub user": a GitHub login and the Slack user it is. */
export function buildIdentityModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.identityModal,
    title: plain('Link GitHub user'),
    submit: plain('Link'),
    close: plain('Cancel'),
    blocks: [
      textInput(IDENTITY_FIELDS.login, 'GitHub login', null, { max: 39, hint: 'As on github.com, e.g. octocat' }),
      input(IDENTITY_FIELDS.user, 'Slack user', { type: 'users_select' }),
    ],
  };
}

/** The modal's state: the login, trimmed (validated by the submit handler), and the Slack user chosen. */
export function readIdentityModal(values: ViewValues): { login: string; slackUserId: string } {
  return {
    login: (fieldOf(values, IDENTITY_FIELDS.login)?.value ?? '').trim(),
    slackUserId: fieldOf(values, IDENTITY_FIELDS.user)?.selected_user ?? '',
  };
}
