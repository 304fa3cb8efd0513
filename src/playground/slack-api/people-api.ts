import { SlackApiError } from './errors.ts';
import type { Handler } from './messages-api.ts';
import type { PlaygroundStore } from './store.ts';
import { DEMO_BOT, DEMO_GROUP, DEMO_PEOPLE, DEMO_TEAM, type DemoPerson } from './workspace.ts';

/** A demo person as users.info answers a member. */
export function userAnswer(person: DemoPerson): Record<string, unknown> {
  return {
    id: person.id,
    team_id: DEMO_TEAM.id,
    name: person.name.toLowerCase(),
    real_name: person.name,
    deleted: false,
    is_bot: false,
    tz: 'UTC',
    tz_label: 'Coordinated Universal Time',
    tz_offset: 0,
    profile: { email: person.email, real_name: person.name, display_name: person.name },
  };
}

/** auth.test, users.*, usergroups.*, dnd.info over the demo workspace. */
export function peopleMethods(store: PlaygroundStore): Record<string, Handler> {
  return {
    'auth.test': () => ({
      url: `https://${DEMO_TEAM.domain}.slack.com/`,
      team: DEMO_TEAM.name,
      user: 'greenlight',
      team_id: DEMO_TEAM.id,
      user_id: DEMO_BOT.userId,
      bot_id: DEMO_BOT.botId,
      is_enterprise_install: false,
    }),
    'users.info': (args) => ({ user: userAnswer(store.person(args.user)) }),
    'users.lookupByEmail': (args) => {
      const email = String(args.email ?? '').toLowerCase();
      const person = DEMO_PEOPLE.find((candidate) => candidate.email === email);
      // Slack's spelling for this method: users_not_found.
      if (person === undefined) throw new SlackApiError('users_not_found');
      return { user: userAnswer(person) };
    },
    'users.getPresence': (args) => ({ presence: store.presenceOf(store.person(args.user).id) }),
    'dnd.info': (args) => {
      const person = store.person(args.user);
      // Slack answers a window in the past (start = end) for someone with no DND scheduled.
      return { ...(store.dnd.get(person.id) ?? { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 }) };
    },
    'usergroups.list': () => ({
      usergroups: [
        {
          id: DEMO_GROUP.id,
          team_id: DEMO_TEAM.id,
          handle: DEMO_GROUP.handle,
          name: DEMO_GROUP.name,
          user_count: DEMO_GROUP.members.length,
        },
      ],
    }),
    'usergroups.users.list': (args) => ({ users: store.groupMembers(args.usergroup) }),
  };
}
