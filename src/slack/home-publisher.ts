import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { createKeyedQueue } from '../platform/keyed-queue.ts';
import { loadHome } from '../services/home/home-data.ts';
import type { HomePages } from '../services/home/home-pages.ts';
import type { CoreDeps } from '../services/ports.ts';
import { buildHomeView } from './blocks/home-view.ts';

const ZPages = z
  .object({
    mine: z.number().int().min(0),
    awaiting: z.number().int().min(0),
    grants: z.number().int().min(0),
    decisions: z.number().int().min(0),
    rules: z.number().int().min(0),
    keys: z.number().int().min(0),
    identities: z.number().int().min(0),
  })
  .partial();

/** Page state from a Home view's private_metadata or a pager button; anything malformed is page 0. */
export function parsePages(raw: string | undefined): HomePages {
  try {
    return ZPages.parse(JSON.parse(raw ?? '{}'));
  } catch {
    return {};
  }
}

/** Publishes for one user, one at a time. */
const inPublishTurn = createKeyedQueue();

/**
 * Renders and publishes one user's App Home. Publishes for one user run one after another, each
 * rendering when its turn comes with the pages the user last asked for, so a burst of changes and
 * page flips always ends with the newest Home on the page the user is on. `pages` (a pager click,
 * or the view the user opened) sets those pages; a republish after a change leaves them as they are.
 */
export function publishHome(deps: CoreDeps, client: WebClient, userId: string, pages?: HomePages): Promise<void> {
  // The pages each user last asked for live in the app's bounded Home-pages cache.
  if (pages !== undefined) deps.caches.homePages.set(userId, pages);
  return inPublishTurn(userId, async () => {
    const current: HomePages = deps.caches.homePages.get(userId) ?? {};
    const data = await loadHome(deps, userId, current);
    await client.views.publish({ user_id: userId, view: buildHomeView(data, current) });
  });
}
