import type { ModalView } from '@slack/types';
import type { AwayRow } from '../../services/away/away-store.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, input, type ViewValues } from './kit/inputs.ts';
import { context, plain } from './kit/text.ts';

/** Block ids (= action ids) of the away modal's inputs. */
export const AWAY_FIELDS = { until: 'away_until', delegate: 'away_delegate' } as const;

/** Which input each field problem of `awayProblems` (services/away/set-away.ts) shows under. */
export const AWAY_FIELD_BLOCK: Record<string, string> = { until: AWAY_FIELDS.until, delegate: AWAY_FIELDS.delegate };

/**
 * "Out of office": until when the user is away, and optionally who decides in their place. Opened
 * with their current status filled in, to change it.
 */
export function buildAwayModal(current: AwayRow | null): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.awayModal,
    title: plain('Out of office'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      input(
        AWAY_FIELDS.until,
        'Away until',
        {
          type: 'datetimepicker',
          ...(current === null ? {} : { initial_date_time: Math.floor(current.awayUntil.getTime() / 1000) }),
        },
        { hint: 'New requests skip you until then.' },
      ),
      input(
        AWAY_FIELDS.delegate,
        'Delegate',
        {
          type: 'users_select',
          ...(current?.delegateId ? { initial_user: current.delegateId } : {}),
        },
        { optional: true, hint: 'Asked in your place. Nobody: the other approvers decide.' },
      ),
      context(
        'Requests already waiting for you stay yours. If everyone a request is routed to is away, everyone is asked anyway.',
      ),
    ],
  };
}

/** Reads the away modal: the time chosen (null when none) and the delegate (null when none). */
export function readAwayModal(values: ViewValues): { until: Date | null; delegateId: string | null } {
  const at = fieldOf(values, AWAY_FIELDS.until)?.selected_date_time;
  const delegate = fieldOf(values, AWAY_FIELDS.delegate)?.selected_user;
  return {
    until: typeof at === 'number' ? new Date(at * 1000) : null,
    delegateId: typeof delegate === 'string' && delegate !== '' ? delegate : null,
  };
}
