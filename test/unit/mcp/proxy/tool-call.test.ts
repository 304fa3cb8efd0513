import { describe, expect, it } from 'vitest';
import type { RequestJson } from '../../../../src/client/index.ts';
import { valueAt } from '../../../../src/domain/mcp-hints.ts';
import { hashJson } from '../../../../src/domain/params-hash.ts';
import {
  actionOf,
  isSecretKey,
  MASKED,
  refusalText,
  requestFor,
  riskOf,
  showArguments,
} from '../../../../src/mcp/proxy/tool-call.ts';

const SETTINGS = { server: 'github', requester: { slackUserId: 'U0REQUEST1' } } as const;

describe('riskOf: the risk a tool’s annotations say', () => {
  it('is low for read-only tools, medium for tools that say they are not destructive, high otherwise', () => {
    expect(riskOf({ name: 't', annotations: { readOnlyHint: true, destructiveHint: true } })).toBe('low');
    expect(riskOf({ name: 't', annotations: { readOnlyHint: false, destructiveHint: false } })).toBe('medium');
    expect(riskOf({ name: 't', annotations: { destructiveHint: true } })).toBe('high');
    // The MCP specification's defaults: a tool that says nothing may be destructive.
    expect(riskOf({ name: 't' })).toBe('high');
    expect(riskOf({ name: 't', annotations: { readOnlyHint: false } })).toBe('high');
  });
});

describe('actionOf', () => {
  it('is mcp.<server>.<tool>, with characters an action cannot hold replaced', () => {
    expect(actionOf('github', 'delete_repo')).toBe('mcp.github.delete_repo');
    expect(actionOf('fs', 'write file!')).toBe('mcp.fs.write_file_');
    expect(actionOf('fs', 'x'.repeat(300))).toHaveLength(200);
  });
});

describe('showArguments: the arguments as approvers see them', () => {
  it('masks secrets by key name at any depth and keeps the rest', () => {
    const shown = JSON.parse(
      showArguments({
        repo: 'acme/api',
        password: 'hunter2',
        auth: { apiKey: 'sk-1', Authorization: 'Bearer x', user: 'rita' },
        headers: [{ Cookie: 'sid=1' }],
        client_secret: 's',
        monkey: 'banana',
      }),
    );
    expect(shown).toEqual({
      repo: 'acme/api',
      password: MASKED,
      auth: MASKED,
      headers: [{ Cookie: MASKED }],
      client_secret: MASKED,
      monkey: 'banana',
    });
  });

  it('cuts long strings and lists, and stays within a context value’s 2000 characters', () => {
    const shown = JSON.parse(showArguments({ sql: 'x'.repeat(5000), ids: Array.from({ length: 40 }, (_, i) => i) }));
    expect(shown.sql).toBe(`${'x'.repeat(200)}… (4800 more characters)`);
    expect(shown.ids).toHaveLength(26);
    expect(shown.ids.at(-1)).toBe('… 15 more items');
    const huge = showArguments(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, 'y'.repeat(300)])));
    expect(huge.length).toBeLessThanOrEqual(2000);
    expect(huge).toMatch(/… \(cut: \d+ characters in all\)$/);
  });

  it('never cuts a character in half', () => {
    const shown = JSON.parse(showArguments({ text: '😀'.repeat(300) }));
    expect(shown.text.startsWith('😀'.repeat(200))).toBe(true);
    expect(shown.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('isSecretKey', () => {
  it('knows secrets by the usual key names, and leaves words that only contain "key" alone', () => {
    for (const key of [
      'password',
      'DB_PASSWORD',
      'passwd',
      'token',
      'accessToken',
      'client_secret',
      'apiKey',
      'api-key',
      'key',
      'ssh_key',
      'SSH_KEY',
      'sshKey',
      'Authorization',
      'cookie',
      'aws_credentials',
      'session_id',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['monkey', 'keyboard', 'path', 'content', 'compass', 'hockey', 'turkey']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('valueAt', () => {
  it('reads a scalar at a dot path, with or without the arguments. prefix', () => {
    const args = { path: '/srv/data', repo: { name: 'api', stars: 3 }, list: ['a'] };
    expect(valueAt(args, 'path')).toBe('/srv/data');
    expect(valueAt(args, 'arguments.repo.name')).toBe('api');
    expect(valueAt(args, 'repo.stars')).toBe('3');
    expect(valueAt(args, 'repo')).toBeNull();
    expect(valueAt(args, 'missing.key')).toBeNull();
    expect(valueAt(args, 'list.0')).toBe('a');
    expect(valueAt({ path: '   ' }, 'path')).toBeNull();
  });
});

describe('requestFor', () => {
  const tool = {
    name: 'delete_repo',
    description: 'Deletes a repository',
    annotations: { destructiveHint: true, readOnlyHint: false },
  };

  it('asks for mcp.<server>.<tool> with the tool, annotations, shown arguments and the exact arguments’ hash', () => {
    const args = { repo: 'acme/api', token: 'ghp_secret' };
    const body = requestFor({ ...SETTINGS, resourceFrom: 'repo' }, tool, args, 'claude-code 1.2.0');
    expect(body).toMatchObject({ action: 'mcp.github.delete_repo', resource: 'acme/api', risk: 'high' });
    expect(body.context).toMatchObject({
      'mcp.server': 'github',
      'mcp.tool': 'delete_repo',
      'mcp.description': 'Deletes a repository',
      'mcp.annotations': 'readOnlyHint=false destructiveHint=true',
      'mcp.arguments_sha256': hashJson(args),
      'mcp.agent': 'claude-code 1.2.0',
    });
    expect(body.context['mcp.arguments']).not.toContain('ghp_secret');
    expect(body.reason).toContain('claude-code 1.2.0');
    // The typed field the service routes with: the same hash, the declared hints, and the arguments for resourceFrom rules.
    expect(body.mcp).toEqual({
      server: 'github',
      tool: 'delete_repo',
      annotations: { readOnlyHint: false, destructiveHint: true },
      argumentsSha256: hashJson(args),
      arguments: args,
    });
  });

  it('binds arguments one byte apart, and key order not at all', () => {
    const a = requestFor(SETTINGS, tool, { repo: 'acme/api', force: true }, null);
    const b = requestFor(SETTINGS, tool, { force: true, repo: 'acme/api' }, null);
    const c = requestFor(SETTINGS, tool, { repo: 'acme/api ', force: true }, null);
    expect(a.context['mcp.arguments_sha256']).toBe(b.context['mcp.arguments_sha256']);
    expect(a.context['mcp.arguments_sha256']).not.toBe(c.context['mcp.arguments_sha256']);
  });

  it('falls back to --resource, then the server name, when the argument path finds nothing', () => {
    expect(requestFor({ ...SETTINGS, resourceFrom: 'path' }, tool, {}, null).resource).toBe('github');
    expect(requestFor({ ...SETTINGS, resourceFrom: 'path', resource: 'org/acme' }, tool, {}, null).resource).toBe(
      'org/acme',
    );
  });
});

describe('refusalText: what the model reads when a call is not run', () => {
  const base = { id: 'r-1', decision: null, grantEnd: null } as unknown as RequestJson;
  const decided = (status: RequestJson['status'], decision: unknown, grantEnd: unknown = null) =>
    ({ ...base, status, decision, grantEnd }) as RequestJson;

  it('says who denied it and why', () => {
    const text = refusalText(
      decided('denied', {
        actor: { type: 'user', id: 'U0ANA' },
        by: 'U0ANA',
        reason: 'use the staging database first',
      }),
      'drop_table',
    );
    expect(text).toBe(
      'Denied by U0ANA: use the staging database first. The call to drop_table was not run (Greenlight request r-1).',
    );
  });

  it('names a rule that denied it, and tells expiry, cancellation and revocation apart', () => {
    expect(
      refusalText(decided('denied', { actor: { type: 'rule', id: 'No Friday deploys' }, reason: null }), 't'),
    ).toMatch(/^Denied by the Greenlight rule "No Friday deploys"\. /);
    expect(refusalText(decided('expired', null), 't')).toMatch(/^Nobody approved this call in time/);
    expect(refusalText(decided('cancelled', { actor: { type: 'service', id: 'ci' }, reason: 'stop' }), 't')).toMatch(
      /^The approval request was cancelled by ci: stop\. /,
    );
    expect(
      refusalText(decided('revoked', null, { actor: { type: 'user', id: 'U0B' }, reason: 'wrong repo' }), 't'),
    ).toMatch(/^The approval was revoked by U0B: wrong repo\. /);
    expect(refusalText(decided('approved', null), 't')).toBeNull();
  });
});
