import type { ModalView } from '@slack/types';
import { LIMITS, truncate } from './kit/limits.ts';
import { plain, section } from './kit/text.ts';

/** A one-off view: a title and a message (used for results such as a new API key). */
export function buildMessageModal(title: string, message: string): ModalView {
  return {
    type: 'modal',
    title: plain(truncate(title, LIMITS.modalTitle)),
    close: plain('Done'),
    blocks: [section(message)],
  };
}
