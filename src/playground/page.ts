import { escapeHtml } from './html.ts';
import { personOptions, type Screen } from './screen.ts';
import { UNINVITED_CHANNEL } from './slack-api/store.ts';
import { DEMO_CHANNELS, DEMO_PEOPLE, type DemoPerson } from './slack-api/workspace.ts';

export interface PageFacts {
  person: DemoPerson;
  at: string;
  thread?: string;
  screen: Screen;
  /** The demo API key, when known. */
  apiKey: string | undefined;
  /** Where the API is, as the curl command names it. */
  origin: string;
}

const EXAMPLE_REQUEST = {
  action: 'deploy',
  resource: 'prod-web',
  environment: 'production',
  reason: 'Ship release 1.4.2',
  risk: 'high',
  requester: { slackUserId: 'U0RITA0001' },
};

/** Who and where the user and conversation pickers offer (Slack fills those itself, not the app). */
function directory() {
  return {
    users: DEMO_PEOPLE.map((p) => ({ id: p.id, name: p.name })),
    conversations: [...DEMO_CHANNELS, UNINVITED_CHANNEL].map((c) => ({ id: c.id, name: `#${c.name}` })),
  };
}

/**
 * The Playground's page, rendered on the server with the person's screen in place; app.js then keeps
 * it live (server-sent events) and sends what is pressed to /playground/interact.
 */
export function renderPage(facts: PageFacts): string {
  const { person, screen } = facts;
  const key = facts.apiKey ?? '';
  const body = JSON.stringify(EXAMPLE_REQUEST, null, 2);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Greenlight Playground</title>
<link rel="stylesheet" href="/playground/assets/block-kit.css">
<link rel="stylesheet" href="/playground/assets/playground.css">
<script type="module" src="/playground/assets/app.js"></script>
</head>
<body data-directory="${escapeHtml(JSON.stringify(directory()))}" data-origin="${escapeHtml(facts.origin)}" data-as="${person.id}" data-at="${escapeHtml(facts.at)}" data-thread="${escapeHtml(facts.thread ?? '')}">
<header class="pg-top">
  <strong class="pg-brand">Greenlight Playground</strong>
  <span class="pg-warning">Not Slack: demo people on this machine only. Never for production.</span>
  <label class="pg-switch">You are: <select id="pg-person" aria-label="You are">${personOptions(person)}</select></label>
  <span id="pg-presence" class="pg-presence">${screen.presence}</span>
  <button type="button" id="pg-reset" class="pg-reset">Reset demo</button>
</header>
<div class="pg-layout">
  <aside id="pg-sidebar" class="pg-sidebar">${screen.sidebar}</aside>
  <main class="pg-channel">
    <h1 id="pg-title">${screen.title}</h1>
    <div id="pg-messages" class="pg-messages" aria-live="polite">${screen.main}</div>
    <form id="pg-composer" class="pg-composer"${facts.at === 'home' ? ' hidden' : ''}>
      <label for="pg-text" class="pg-visually-hidden">Message</label>
      <input id="pg-text" name="text" autocomplete="off" placeholder="/request-action db.drop_table prod-customers" required>
      <button type="submit">Send</button>
      <p id="pg-composer-error" class="pg-error" role="alert"></p>
    </form>
  </main>
  <aside id="pg-thread" class="pg-thread"${screen.thread === '' ? ' hidden' : ''}>${screen.thread}</aside>
  <aside class="pg-side" aria-label="Guide and service">
  <details class="pg-guide" open>
    <summary>Your first approval, in a minute</summary>
    <ol>
      <li>As <strong>Rita (requester)</strong>, press <strong>Send request</strong> below: a service asks to deploy <code>prod-web</code>, and the approval card appears in <strong># approvals</strong>.</li>
      <li>Switch <strong>You are</strong> (at the top) to <strong>Ana (approver)</strong> and press <strong>Approve</strong> on the card: it is updated in place.</li>
      <li>Switch back to <strong>Rita</strong> and open <strong>Direct messages → Greenlight</strong>: her request was approved.</li>
    </ol>
    <p>Then: <strong>Deny</strong> asks for a reason; <code>/request-action</code> in the message box opens the request form; <code>db.drop_table</code> on <code>prod-customers</code> needs two approvals; as <strong>Sam (admin)</strong>, <strong>Greenlight — Home</strong> edits the rules.</p>
  </details>
  <section class="pg-service" aria-labelledby="pg-service-title">
    <h2 id="pg-service-title">Service</h2>
    <p>A service asks for approval with <code>POST /api/v1/requests</code> and the demo API key.</p>
    <label for="pg-key">API key</label>
    <input id="pg-key" value="${escapeHtml(key)}" spellcheck="false" placeholder="make one in App Home (as Sam)">
    <label for="pg-body">Body</label>
    <textarea id="pg-body" rows="9" spellcheck="false">${escapeHtml(body)}</textarea>
    <button type="button" id="pg-send">Send request</button>
    <pre id="pg-curl" class="pg-curl" aria-label="The same with curl"></pre>
    <pre id="pg-answer" class="pg-answer" aria-live="polite"></pre>
  </section>
  </aside>
</div>
<div id="pg-modal" class="pg-modal-layer"${screen.modal === '' ? ' hidden' : ''}>${screen.modal}</div>
</body>
</html>`;
}
