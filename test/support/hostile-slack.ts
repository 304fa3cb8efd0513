import fc from 'fast-check';
import { RISKS } from '../../src/domain/request-status.ts';
import { RULE_FIELDS } from '../../src/slack/blocks/rule-editor-modal.ts';
import { ACTION_IDS, CALLBACK_IDS, COMMAND_REQUEST_ACTION } from '../../src/slack/ids.ts';

/**
 * Signed-but-hostile Slack requests for property tests: every interaction type Slack sends, with
 * known and unknown ids, fields missing, null or of the wrong type, private_metadata that does not
 * parse, and strings with NUL, lone surrogates or huge lengths.
 *
 * Nothing generated here is a valid request that should change state: no request row exists for
 * any id it sends, and the request modal's risk is never a valid risk, so no submission can create
 * a request.
 */

export interface HostileRequest {
  /** What it is, for the failure message. */
  kind: string;
  body: string;
  contentType: string;
}

export const FUZZ_ADMIN = 'U0FUZZADM1';
const USERS = ['U0FUZZER01', 'U0FUZZER02', FUZZ_ADMIN, 'W0ENTERPR1'];

const hostileChar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '"', '\\', '{', '%', '&', '=') },
);
/**
 * A string a client could put anywhere: short and odd, or (rarely) huge: far beyond Slack's own
 * limits (2,000 characters for a button value, 3,000 for a text input), while a whole request stays
 * under the receiver's 1 MB body limit (a larger one is refused with 413 before it is read).
 */
export const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '{}', '[]', '{"requestId":', '__proto__', 'constructor') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '\u0000', '😀', '\ud800'), fc.integer({ min: 1_000, max: 8_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Anything JSON can carry, biased to what breaks code that expects an object or a string. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  hostileString,
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

const ABSENT = Symbol('absent');
/** Usually `valid`, otherwise absent, null or junk. */
function field<T>(valid: fc.Arbitrary<T>, validWeight = 4): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: validWeight, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(ABSENT) },
    { weight: 1, arbitrary: junk },
  );
}

/** Drops the fields generated as absent, recursively. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== ABSENT).map(strip);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== ABSENT)
        .map(([k, v]) => [k, strip(v)]),
    );
  }
  return value;
}

const userId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...USERS) }, { weight: 1, arbitrary: hostileString });
const user = fc.record({
  id: field(userId, 30),
  username: field(hostileString),
  team_id: field(fc.constant('T0TEST001')),
});
const channel = fc.record({
  id: field(fc.constantFrom('C0APPROVAL', 'C0UNKNOWN1', 'D0DIRECT01', 'G0PRIVATE1'), 20),
});
const team = field(fc.record({ id: fc.constant('T0TEST001'), domain: fc.constant('greenlight-test') }), 3);

const knownActionId = fc.constantFrom(
  ...Object.values(ACTION_IDS),
  `${ACTION_IDS.page}_mine_next`,
  `${ACTION_IDS.page}_rules_prev`,
);
const actionId = fc.oneof(
  { weight: 4, arbitrary: knownActionId },
  { weight: 2, arbitrary: fc.constantFrom('retired_button_v1', 'approve', 'APPROVE_REQUEST', `${ACTION_IDS.page}`) },
  { weight: 1, arbitrary: hostileString },
);
const callbackId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.values(CALLBACK_IDS)) },
  { weight: 2, arbitrary: fc.constantFrom('old_modal_v1', 'request_action_modal_v0') },
  { weight: 1, arbitrary: hostileString },
);
/** What a button carries: a request id that does not exist, page state, or anything. */
const buttonValue = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => `${id}\u0000`),
  fc.constantFrom('{"mine":1}', '{"rules":-1}', '{"keys":1e309}'),
  hostileString,
);
/** private_metadata: ours with ids that do not exist, broken JSON, or anything. */
const metadata = fc.oneof(
  fc.uuid().map((requestId) => JSON.stringify({ requestId })),
  fc.uuid().map((ruleId) => JSON.stringify({ ruleId, updatedAt: null })),
  fc.constantFrom('', '{}', '{"requestId":', 'null', '[]', '{"ruleId":5}'),
  hostileString,
);

const stateValue = fc.record({
  type: field(fc.constantFrom('plain_text_input', 'static_select', 'multi_users_select', 'datetimepicker')),
  value: field(hostileString),
  selected_option: field(fc.record({ value: field(hostileString) })),
  selected_options: field(fc.array(fc.record({ value: field(hostileString) }), { maxLength: 3 })),
  selected_users: field(fc.array(field(userId), { maxLength: 3 })),
  selected_date_time: field(fc.oneof(fc.integer(), fc.double())),
  selected_time: field(hostileString),
  selected_conversation: field(hostileString),
});
const blockIds = fc.constantFrom(
  'action',
  'resource',
  'reason',
  'risk',
  'ttl',
  'environment',
  'key_name',
  ...Object.values(RULE_FIELDS),
);
/** `{ block_id: { action_id: state } }`, sometimes with the action id not matching, or not objects at all. */
const values = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(blockIds, fc.dictionary(blockIds, field(stateValue, 6)), { maxKeys: 6 }) },
  { weight: 1, arbitrary: junk },
);
/**
 * A request modal whose fields could all be valid, except the risk, which is never one: the one
 * submission that would write a row cannot be generated.
 */
const invalidRisk = hostileString.filter((risk) => !(RISKS as readonly string[]).includes(risk));
const requestModalValues = fc
  .record({
    action: fc.constantFrom('db.drop_table', 'deploy', ''),
    resource: fc.constantFrom('prod/customers', ''),
    reason: hostileString,
    risk: invalidRisk,
    ttl: fc.constantFrom('60', '3600', '-1', 'x'),
  })
  .map((f) => ({
    action: { action: { type: 'plain_text_input', value: f.action } },
    resource: { resource: { type: 'plain_text_input', value: f.resource } },
    reason: { reason: { type: 'plain_text_input', value: f.reason } },
    risk: { risk: { type: 'static_select', selected_option: { value: f.risk } } },
    ttl: { ttl: { type: 'static_select', selected_option: { value: f.ttl } } },
  }));

const envelope = {
  team,
  user: field(user, 30),
  api_app_id: field(fc.constant('A0GREENLT1')),
  token: field(fc.constant('deprecated-verification-token')),
  trigger_id: field(fc.constant('1.trigger'), 6),
};

const blockActions = fc.record({
  type: fc.constant('block_actions'),
  ...envelope,
  channel: field(channel, 12),
  container: field(fc.record({ type: fc.constantFrom('message', 'view'), channel_id: field(hostileString) })),
  view: field(
    fc.record({
      id: field(fc.constant('V0FUZZ0001')),
      type: field(fc.constantFrom('home', 'modal')),
      callback_id: field(callbackId),
      private_metadata: field(metadata),
    }),
    12,
  ),
  actions: field(
    fc.array(
      fc.record({
        type: field(fc.constantFrom('button', 'static_select')),
        action_id: field(actionId, 30),
        block_id: field(fc.oneof(fc.constantFrom('decision', 'actions'), hostileString)),
        value: field(buttonValue, 10),
        action_ts: field(fc.constant('1.0')),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    30,
  ),
});

const viewSubmission = fc.record({
  type: fc.constant('view_submission'),
  ...envelope,
  view: field(
    fc.record({
      id: field(fc.constant('V0FUZZ0002'), 6),
      type: field(fc.constant('modal')),
      callback_id: field(callbackId, 30),
      private_metadata: field(metadata, 12),
      hash: field(hostileString),
      state: field(fc.record({ values: field(fc.oneof(values, requestModalValues), 12) }), 12),
    }),
    30,
  ),
});

const blockSuggestion = fc.record({
  type: fc.constant('block_suggestion'),
  ...envelope,
  action_id: field(fc.oneof(fc.constant(RULE_FIELDS.groups), actionId), 20),
  block_id: field(hostileString),
  value: field(hostileString, 6),
  view: field(fc.record({ id: fc.constant('V0FUZZ0003'), callback_id: field(callbackId) }), 12),
});

const otherInteraction = fc.record({
  type: fc.constantFrom('view_closed', 'shortcut', 'message_action', 'interactive_message', 'dialog_submission'),
  ...envelope,
  callback_id: field(callbackId),
  channel: field(channel, 12),
  view: field(fc.record({ callback_id: field(callbackId, 12), id: field(hostileString) }), 12),
  name: field(hostileString, 1),
});

/** Payloads of any shape at all: not an object, or an object with a random type. */
const shapeless = fc.oneof(
  junk,
  fc.dictionary(fc.constantFrom('type', 'user', 'view', 'actions', 'event', 'command', 'channel', 'team'), junk),
);

function interaction(payload: unknown, kind: string): HostileRequest {
  return {
    kind,
    body: new URLSearchParams({ payload: JSON.stringify(strip(payload)) ?? 'null' }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

const slashCommand = fc
  .record({
    command: field(fc.oneof(fc.constant(COMMAND_REQUEST_ACTION), fc.constant('/old-command'), hostileString), 20),
    text: field(hostileString, 20),
    user_id: field(userId, 20),
    channel_id: field(fc.constantFrom('C0APPROVAL', 'D0DIRECT01'), 20),
    trigger_id: field(fc.constant('1.trigger'), 20),
    team_id: field(fc.constant('T0TEST001')),
  })
  .map((fields) => {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      if (value === ABSENT) continue;
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return { kind: 'slash command', body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  });

const eventCallback = fc
  .record({
    type: field(fc.constant('event_callback'), 8),
    team_id: field(fc.constant('T0TEST001')),
    event: field(
      fc.oneof(
        fc.record({
          type: field(fc.constantFrom('app_home_opened', 'message', 'reaction_added'), 20),
          user: field(userId, 12),
          tab: field(fc.constantFrom('home', 'messages')),
          channel: field(fc.oneof(hostileString, channel)),
          item: field(junk),
          view: field(fc.record({ private_metadata: field(metadata) })),
        }),
        junk,
      ),
      8,
    ),
  })
  .map((body) => ({ kind: 'event', body: JSON.stringify(strip(body)), contentType: 'application/json' }));

/** One hostile request of any kind Slack sends. */
export const hostileSlackRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  { weight: 5, arbitrary: blockActions.map((p) => interaction(p, 'block_actions')) },
  { weight: 5, arbitrary: viewSubmission.map((p) => interaction(p, 'view_submission')) },
  { weight: 2, arbitrary: blockSuggestion.map((p) => interaction(p, 'block_suggestion')) },
  { weight: 2, arbitrary: otherInteraction.map((p) => interaction(p, 'other interaction')) },
  { weight: 2, arbitrary: shapeless.map((p) => interaction(p, 'shapeless')) },
  { weight: 2, arbitrary: slashCommand },
  { weight: 1, arbitrary: eventCallback },
);
