import { escapeHtml } from './html.ts';
import { SlackApiError } from './slack-api/errors.ts';
import { type PlaygroundStore, UNINVITED_CHANNEL } from './slack-api/store.ts';
import type { Conversation } from './slack-api/types.ts';
import {
  APPROVALS_CHANNEL,
  DEMO_BOT,
  DEMO_CHANNELS,
  DEMO_PEOPLE,
  type DemoPerson,
  demoPerson,
  SECURITY_CHANNEL,
} from './slack-api/workspace.ts';
import { messageHtml, viewHtml } from './surfaces.ts';

/** Where a person is looking: a channel or DM id, or `home` (Greenlight's App Home), and an open thread. */
export interface Place {
  person: DemoPerson;
  at: string;
  thread?: string;
}

/** The page's live regions, as HTML, for one person. */
export interface Screen {
  sidebar: string;
  title: string;
  main: string;
  thread: string;
  modal: string;
  presence: string;
}

function time(ts: string): string {
  return new Date(Number(ts) * 1000).toISOString().slice(11, 16);
}

function avatar(userId: string): string {
  const person = demoPerson(userId);
  if (person === undefined) return '<span class="pg-avatar pg-avatar-bot" aria-hidden="true">G</span>';
  return `<span class="pg-avatar" style="background:${person.color}" aria-hidden="true">${escapeHtml(person.initials)}</span>`;
}

function author(userId: string): string {
  if (userId === DEMO_BOT.userId) return 'Greenlight <span class="pg-app-tag">APP</span>';
  return escapeHtml(demoPerson(userId)?.name ?? userId);
}

function messageArticle(
  store: PlaygroundStore,
  message: { channel: string; ts: string; user: string; text?: string; blocks?: unknown[]; edited?: boolean },
  options: { ephemeral: boolean; replies?: number },
): string {
  const replies =
    options.replies === undefined || options.replies === 0
      ? ''
      : `<button type="button" class="pg-replies" data-open-thread="${escapeHtml(message.ts)}">${options.replies} ${options.replies === 1 ? 'reply' : 'replies'}</button>`;
  const note = options.ephemeral ? '<div class="pg-ephemeral-note">Only visible to you</div>' : '';
  return `<article class="pg-msg${options.ephemeral ? ' pg-ephemeral' : ''}" data-channel="${escapeHtml(message.channel)}" data-ts="${escapeHtml(message.ts)}" data-ephemeral="${options.ephemeral}">
${avatar(message.user)}<div class="pg-msg-body"><div class="pg-msg-head"><span class="pg-author">${author(message.user)}</span> <time>${time(message.ts)}</time>${message.edited ? ' <span class="pg-edited">(edited)</span>' : ''}</div>
${note}<div class="pg-msg-content">${messageHtml(store, message)}</div>${replies}</div></article>`;
}

/** The conversations a person sees in the sidebar: the channels, their DM with Greenlight, the App Home. */
function sidebar(store: PlaygroundStore, place: Place): string {
  const link = (at: string, label: string, unread = false) =>
    `<li><a href="?as=${place.person.id}&amp;c=${at}" data-go="${at}"${place.at === at ? ' aria-current="page"' : ''}${unread ? ' class="pg-unread"' : ''}>${label}</a></li>`;
  const channels = [...DEMO_CHANNELS, UNINVITED_CHANNEL].map((c) => link(c.id, `# ${escapeHtml(c.name)}`)).join('');
  const dm = store.dmWith(place.person.id);
  return `<nav aria-label="Conversations"><h2>Channels</h2><ul>${channels}</ul>
<h2>Direct messages</h2><ul>${link(dm.id, 'Greenlight')}</ul>
<h2>Apps</h2><ul>${link('home', 'Greenlight — Home')}</ul></nav>`;
}

/** What an empty conversation says: what lands there, and how to make it happen. */
function emptyConversation(conversation: Conversation): string {
  let says: string;
  if (conversation.dmWith !== undefined) {
    says =
      'No messages yet. Greenlight writes here about your requests (sent, approved, denied) and what waits for you.';
  } else if (conversation.id === APPROVALS_CHANNEL.id) {
    says =
      'No requests yet. Approval cards appear here: press <strong>Send request</strong> in the Service panel, or type <code>/request-action deploy prod-api</code> below.';
  } else if (conversation.id === SECURITY_CHANNEL.id) {
    says =
      'No messages yet. Break-glass approvals are announced here: request <code>data.export</code> and press <strong>Break glass</strong> on its card.';
  } else if (conversation.id === UNINVITED_CHANNEL.id) {
    says = `Greenlight was never invited to #${escapeHtml(conversation.name)}: a card routed here fails with <code>not_in_channel</code>, as in Slack.`;
  } else {
    says = 'No messages yet.';
  }
  return `<p class="pg-empty">${says}</p>`;
}

function conversationTitle(conversation: Conversation): string {
  return conversation.dmWith === undefined ? `# ${conversation.name}` : 'Greenlight (direct message)';
}

function presenceControls(store: PlaygroundStore, person: DemoPerson): string {
  const away = store.presenceOf(person.id) === 'away';
  const dnd = store.dnd.has(person.id);
  return `<label><input type="checkbox" data-presence="${person.id}"${away ? ' checked' : ''}> Away</label>
<label><input type="checkbox" data-dnd="${person.id}"${dnd ? ' checked' : ''}> Do not disturb</label>`;
}

/** Everything the page shows a person at a place; only what that person may see. */
export function buildScreen(store: PlaygroundStore, place: Place): Screen {
  const { person } = place;
  let title: string;
  let main: string;
  let thread = '';
  if (place.at === 'home') {
    title = 'Greenlight — Home';
    const homeId = store.homes.get(person.id);
    const home = homeId === undefined ? undefined : store.views.get(homeId);
    main =
      home === undefined
        ? '<p class="pg-empty">Loading App Home…</p>'
        : `<section class="pg-home" data-view-id="${home.id}">${viewHtml(store, home.view, 'home')}</section>`;
  } else {
    const conversation = store.conversation(place.at);
    // Someone else's DM with Greenlight is theirs alone, as in Slack.
    if (conversation.dmWith !== undefined && conversation.dmWith !== person.id) {
      throw new SlackApiError('channel_not_found');
    }
    title = conversationTitle(conversation);
    const entries = [
      ...store.history(conversation.id).map((m) => ({
        ts: m.ts,
        html: messageArticle(store, m, { ephemeral: false, replies: store.replies(conversation.id, m.ts).length }),
      })),
      ...store.ephemerals
        .filter((e) => e.user === person.id && e.channel === conversation.id && e.thread_ts === undefined)
        .map((e) => ({ ts: e.ts, html: messageArticle(store, { ...e, user: DEMO_BOT.userId }, { ephemeral: true }) })),
    ].sort((a, b) => Number(a.ts) - Number(b.ts));
    main = entries.length === 0 ? emptyConversation(conversation) : entries.map((e) => e.html).join('\n');
    if (place.thread !== undefined) {
      const parent = store.messages.get(`${conversation.id}/${place.thread}`);
      if (parent !== undefined) {
        const replies = store
          .replies(conversation.id, parent.ts)
          .map((m) => messageArticle(store, m, { ephemeral: false }))
          .join('\n');
        thread = `<header><h2>Thread</h2><button type="button" data-close-thread aria-label="Close thread">×</button></header>
${messageArticle(store, parent, { ephemeral: false })}<div class="pg-thread-replies">${replies || '<p class="pg-empty">No replies.</p>'}</div>`;
      }
    }
  }
  const stack = store.modalStack(person.id);
  const top = stack[stack.length - 1];
  const modal =
    top === undefined
      ? ''
      : `<div class="pg-modal" role="dialog" aria-modal="true" data-view-id="${top.id}" data-hash="${top.hash}" data-depth="${stack.length}">${viewHtml(store, top.view, 'modal')}</div>`;
  return {
    sidebar: sidebar(store, place),
    title: escapeHtml(title),
    main,
    thread,
    modal,
    presence: presenceControls(store, person),
  };
}

/** The person switcher's options. */
export function personOptions(current: DemoPerson): string {
  return DEMO_PEOPLE.map(
    (p) =>
      `<option value="${p.id}"${p.id === current.id ? ' selected' : ''}>${escapeHtml(p.name)} (${p.role})</option>`,
  ).join('');
}
