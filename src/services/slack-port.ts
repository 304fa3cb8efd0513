import type { WebClient } from '@slack/web-api';

/**
 * The few Slack Web API calls services make, and nothing else: services look people up, read
 * presence and Do Not Disturb, expand user groups and link to a card. Slack's own `WebClient`
 * implements it as it is (the composition root hands it over); posting, updating and opening DMs
 * belong to the Slack and job layers, which hold the whole client.
 */
export interface SlackPort {
  users: Pick<WebClient['users'], 'info' | 'lookupByEmail' | 'getPresence'>;
  usergroups: { users: Pick<WebClient['usergroups']['users'], 'list'> };
  dnd: Pick<WebClient['dnd'], 'info'>;
  chat: Pick<WebClient['chat'], 'getPermalink'>;
}

/** A workspace member as services need them (users.info or users.lookupByEmail, cached). */
export interface SlackUserInfo {
  id: string;
  email: string | null;
  deleted: boolean;
}
