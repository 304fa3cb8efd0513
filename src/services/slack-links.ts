import type { CoreDeps } from './ports.ts';
import type { RequestRow } from './requests/store.ts';

/** A Slack user's display name (users.info), or their id if Slack does not say. */
export async function slackName(deps: Pick<CoreDeps, 'slack'>, userId: string): Promise<string> {
  try {
    const { user } = await deps.slack.users.info({ user: userId });
    return user?.real_name || user?.name || userId;
  } catch {
    return userId;
  }
}

/** The card's permalink, when it was posted and Slack gives one. */
export async function cardLink(deps: Pick<CoreDeps, 'slack'>, request: RequestRow): Promise<string | null> {
  if (request.messageTs === null) return null;
  try {
    const { permalink } = await deps.slack.chat.getPermalink({
      channel: request.channelId,
      message_ts: request.messageTs,
    });
    return permalink ?? null;
  } catch {
    return null;
  }
}
