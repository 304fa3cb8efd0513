/**
 * GitHub webhook payloads shaped as GitHub sends them: every field the published schemas
 * (@octokit/webhooks-schemas) require, with GitHub's URL layout. github.test.ts validates them
 * against the schema, so a field the integration reads cannot be one GitHub never sends.
 */

const API = 'https://api.github.com';
const WEB = 'https://github.com';

/** A `user` object (a person or an organisation account). */
export function githubUser(login: string, id: number, type: 'User' | 'Organization' = 'User') {
  const url = `${API}/users/${login}`;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

/** A `repository` object. */
export function githubRepository(owner: string, name: string, id: number) {
  const url = `${API}/repos/${owner}/${name}`;
  return {
    id,
    node_id: `R_kgDO${id}`,
    name,
    full_name: `${owner}/${name}`,
    private: true,
    owner: githubUser(owner, id + 1, 'Organization'),
    html_url: `${WEB}/${owner}/${name}`,
    description: 'The shop',
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: '2024-03-01T09:00:00Z',
    updated_at: '2026-12-01T09:00:00Z',
    pushed_at: '2026-12-04T11:58:00Z',
    git_url: `git://github.com/${owner}/${name}.git`,
    ssh_url: `git@github.com:${owner}/${name}.git`,
    clone_url: `${WEB}/${owner}/${name}.git`,
    svn_url: `${WEB}/${owner}/${name}`,
    homepage: null,
    size: 1024,
    stargazers_count: 0,
    watchers_count: 0,
    language: 'TypeScript',
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    open_issues_count: 3,
    license: null,
    forks: 0,
    open_issues: 3,
    watchers: 0,
    default_branch: 'main',
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'private',
    custom_properties: {},
  };
}

/** A `pull-request` object (open, from a branch of the same repository). */
export function githubPullRequest(owner: string, repo: string, number: number, author: string, sha: string) {
  const repository = githubRepository(owner, repo, 700_000_001);
  const user = githubUser(author, 583_231);
  const url = `${API}/repos/${owner}/${repo}/pulls/${number}`;
  const html = `${WEB}/${owner}/${repo}/pull/${number}`;
  const issue = `${API}/repos/${owner}/${repo}/issues/${number}`;
  const side = (ref: string) => ({ label: `${owner}:${ref}`, ref, sha, user: repository.owner, repo: repository });
  return {
    url,
    id: 1_800_000_000 + number,
    node_id: `PR_kwDO${number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number,
    state: 'open',
    locked: false,
    title: 'Fix checkout rounding',
    user,
    body: null,
    created_at: '2026-12-03T10:00:00Z',
    updated_at: '2026-12-04T11:58:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${API}/repos/${owner}/${repo}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${API}/repos/${owner}/${repo}/statuses/${sha}`,
    head: side('fix-rounding'),
    base: side('main'),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${API}/repos/${owner}/${repo}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${API}/repos/${owner}/${repo}/statuses/${sha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
    draft: false,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 3,
    deletions: 1,
    changed_files: 1,
  };
}

export interface ProtectionRuleInput {
  owner: string;
  repo: string;
  runId: number;
  environment: string;
  installationId: number;
  sender: string;
  sha?: string;
  ref?: string;
  /** GitHub's id of the deployment the event asks about (a re-run of the workflow asks with a new one). */
  deploymentId?: number;
  /** Numbers of the open pull requests the run belongs to. */
  pullRequests?: number[];
}

/** A run of `owner/repo` by octocat waiting on production, with `overrides`: what most tests send. */
export function protectionRuleInput(
  where: Pick<ProtectionRuleInput, 'owner' | 'repo' | 'runId' | 'installationId'>,
  overrides: Partial<ProtectionRuleInput> = {},
): ProtectionRuleInput {
  return { environment: 'production', sender: 'octocat', ...where, ...overrides };
}

/**
 * A `deployment_protection_rule` event with action `requested`, as GitHub sends it when a job of
 * run `runId` targets an environment protected by the App's rule.
 */
export function protectionRuleRequested(input: ProtectionRuleInput) {
  const repository = githubRepository(input.owner, input.repo, 700_000_001);
  const sender = githubUser(input.sender, 583_231);
  const sha = input.sha ?? '6dcb09b5b57875f334f61aebed695e2e4193db5e';
  const ref = input.ref ?? 'main';
  const deploymentId = input.deploymentId ?? 1_900_000_000 + input.runId;
  return {
    action: 'requested',
    environment: input.environment,
    event: 'push',
    deployment_callback_url: `${API}/repos/${input.owner}/${input.repo}/actions/runs/${input.runId}/deployment_protection_rule`,
    deployment: {
      url: `${repository.url}/deployments/${deploymentId}`,
      id: deploymentId,
      node_id: `DE_kwDO${deploymentId}`,
      sha,
      ref,
      task: 'deploy',
      payload: {},
      original_environment: input.environment,
      environment: input.environment,
      description: null,
      creator: sender,
      created_at: '2026-12-04T12:00:00Z',
      updated_at: '2026-12-04T12:00:00Z',
      statuses_url: `${repository.url}/deployments/${deploymentId}/statuses`,
      repository_url: repository.url,
      transient_environment: false,
      production_environment: input.environment === 'production',
    },
    pull_requests: (input.pullRequests ?? []).map((n) =>
      githubPullRequest(input.owner, input.repo, n, input.sender, sha),
    ),
    repository,
    sender,
    installation: { id: input.installationId, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${input.installationId}` },
  };
}

/** The workflow run GitHub answers for GET /repos/{owner}/{repo}/actions/runs/{run_id} (the fields read, and a few more). */
export function workflowRun(input: ProtectionRuleInput & { name: string; message: string }) {
  return {
    id: input.runId,
    name: input.name,
    display_title: input.message.split('\n')[0],
    head_branch: input.ref ?? 'main',
    head_sha: input.sha ?? '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    run_number: 412,
    event: 'push',
    status: 'waiting',
    conclusion: null,
    html_url: `${WEB}/${input.owner}/${input.repo}/actions/runs/${input.runId}`,
    actor: githubUser(input.sender, 583_231),
    triggering_actor: githubUser(input.sender, 583_231),
    head_commit: {
      id: input.sha ?? '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      message: input.message,
      timestamp: '2026-12-04T11:58:00Z',
      author: { name: 'Mona', email: 'mona@example.com' },
    },
  };
}
