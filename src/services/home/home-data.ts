import { type ApiClientSummary, listApiClients } from '../api-keys/api-keys.ts';
import { type AwayRow, getAway, listAway } from '../away/away-store.ts';
import { type IdentityLinkSummary, listIdentities } from '../identities/identities.ts';
import type { CoreDeps } from '../ports.ts';
import {
  listAwaiting,
  listPendingOf,
  listRevocableGrants,
  listUnreviewedBreakGlass,
} from '../requests/store/home-lists.ts';
import { REQUEST_SELECT, type RequestRow } from '../requests/store/reads.ts';
import type { RuleRow } from '../routing/rule-row.ts';
import { listRules } from '../routing/rules-store.ts';
import { listActiveStandingApprovals, type StandingApproval } from '../standing/standing-approvals.ts';
import { HOME_PAGE_SIZE, type HomePages, type HomeSection } from './home-pages.ts';

export interface Page<T> {
  items: T[];
  page: number;
  hasMore: boolean;
}

export interface HomeData {
  userId: string;
  isAdmin: boolean;
  mine: Page<RequestRow>;
  awaiting: Page<RequestRow>;
  /** Approved requests whose grant is still unused and which this user may revoke (requester or approver). */
  grants: Page<RequestRow>;
  decisions: Page<{ request: RequestRow; decision: 'approve' | 'deny'; at: Date }>;
  rules?: Page<RuleRow> & { total: number };
  keys?: Page<ApiClientSummary>;
  /** Break-glass uses nobody has reviewed yet (admins only). */
  breakGlass?: { items: RequestRow[]; total: number };
  /** The user's own away status while it lasts (out of office), or null. */
  away?: AwayRow | null;
  /** Admins: everyone away now, soonest back first. */
  awayList?: AwayRow[];
  /** GitHub login → Slack user links (admins). */
  identities?: Page<IdentityLinkSummary>;
  /** Standing approvals ("approve this tool for 15 minutes") in force that this user gave (all, for admins). */
  standing?: StandingApproval[];
}

function paged<T>(rows: T[], page: number, size: number): Page<T> {
  return { items: rows.slice(0, size), page, hasMore: rows.length > size };
}

export function isAdmin(deps: Pick<CoreDeps, 'config'>, userId: string): boolean {
  return deps.config.ADMIN_USER_IDS.includes(userId);
}

/** Everything one user's App Home shows (with the access they may still revoke); admin sections only for admins. */
export async function loadHome(
  deps: Pick<CoreDeps, 'db' | 'config' | 'now'>,
  userId: string,
  pages: HomePages = {},
): Promise<HomeData> {
  const now = deps.now();
  const page = (section: HomeSection) => Math.max(0, Math.floor(pages[section] ?? 0));
  const window = (section: HomeSection) => ({
    skip: page(section) * HOME_PAGE_SIZE[section],
    take: HOME_PAGE_SIZE[section] + 1,
  });
  const admin = isAdmin(deps, userId);
  const [mine, awaiting, grants, votes, away, standing] = await Promise.all([
    listPendingOf(deps.db, userId, window('mine')),
    // With stages, only while the user's stage decides (awaiting.ts).
    listAwaiting(deps.db, userId, window('awaiting')),
    listRevocableGrants(deps.db, userId, window('grants')),
    deps.db.vote.findMany({
      where: { voterId: userId },
      orderBy: { createdAt: 'desc' },
      select: { decision: true, createdAt: true, request: { select: REQUEST_SELECT } },
      ...window('decisions'),
    }),
    getAway(deps.db, userId, now),
    listActiveStandingApprovals(deps, userId, admin, 5),
  ]);
  const data: HomeData = {
    userId,
    isAdmin: admin,
    mine: paged(mine, page('mine'), HOME_PAGE_SIZE.mine),
    awaiting: paged(awaiting, page('awaiting'), HOME_PAGE_SIZE.awaiting),
    grants: paged(grants, page('grants'), HOME_PAGE_SIZE.grants),
    decisions: paged(
      votes.map((vote) => ({ request: vote.request, decision: vote.decision, at: vote.createdAt })),
      page('decisions'),
      HOME_PAGE_SIZE.decisions,
    ),
    away,
    standing,
  };
  if (data.isAdmin) {
    const [rules, keys, breakGlass, awayList, identities] = await Promise.all([
      listRules(deps.db),
      listApiClients(deps.db),
      listUnreviewedBreakGlass(deps.db),
      listAway(deps.db, now),
      listIdentities(deps.db, 'github'),
    ]);
    data.breakGlass = breakGlass;
    data.awayList = awayList;
    const rulesStart = page('rules') * HOME_PAGE_SIZE.rules;
    data.rules = {
      ...paged(rules.slice(rulesStart), page('rules'), HOME_PAGE_SIZE.rules),
      total: rules.length,
    };
    const keysStart = page('keys') * HOME_PAGE_SIZE.keys;
    data.keys = paged(keys.slice(keysStart), page('keys'), HOME_PAGE_SIZE.keys);
    const identitiesStart = page('identities') * HOME_PAGE_SIZE.identities;
    data.identities = paged(identities.slice(identitiesStart), page('identities'), HOME_PAGE_SIZE.identities);
  }
  return data;
}
