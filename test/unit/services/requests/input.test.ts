import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashJson } from '../../../../src/domain/params-hash.ts';
import { isStorableText } from '../../../../src/domain/storable-text.ts';
import { createRequestSchema, fieldErrors, ZCancelBody } from '../../../../src/services/requests/input.ts';

const schema = createRequestSchema({ MIN_TTL_SECONDS: 60, MAX_TTL_SECONDS: 86_400 });
const VALID = {
  action: 'db.drop_table',
  resource: 'prod/customers',
  reason: 'replaced by customers_v2',
  requester: { slackUserId: 'U0REQUEST1' },
  environment: 'production',
  context: { ticket: 'OPS-1234' },
  callbackUrl: 'https://example.com/hook',
};

/** The body as express.json would hand it over: parsed from JSON text. */
function parsed(text: string): unknown {
  return JSON.parse(text);
}
function errorsOf(body: unknown) {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldErrors(result.error);
}

describe('isStorableText (what PostgreSQL can store)', () => {
  it('refuses NUL and unpaired surrogates, accepts any well-formed text without NUL', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDC00y', 'ok \uD83D']) {
      expect(isStorableText(bad)).toBe(false);
    }
    for (const good of ['', 'plain', '𝕏 ✅ 🚀', '\uFEFF\u202E', '\u0001\u001f'])
      expect(isStorableText(good)).toBe(true);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => isStorableText(s) === !s.includes('\u0000')));
  });
});

describe('createRequestSchema against hostile strings', () => {
  const HOSTILE = ['nul\u0000', 'lone \uD800 surrogate', '\uDFFF'];
  const cases: Array<[string, (bad: string) => unknown]> = [
    ['action', (bad) => ({ ...VALID, action: `db.${bad}` })],
    ['resource', (bad) => ({ ...VALID, resource: bad })],
    ['reason', (bad) => ({ ...VALID, reason: bad })],
    ['environment', (bad) => ({ ...VALID, environment: bad })],
    ['requester.email', (bad) => ({ ...VALID, requester: { email: `rita${bad}@example.com` } })],
    ['requester.slackUserId', (bad) => ({ ...VALID, requester: { slackUserId: `U0${bad}` } })],
    ['callbackUrl', (bad) => ({ ...VALID, callbackUrl: `https://example.com/${bad}` })],
    ['context.ticket', (bad) => ({ ...VALID, context: { ticket: bad } })],
  ];
  for (const [path, make] of cases) {
    it(`${path}: NUL and lone surrogates are a field error`, () => {
      for (const bad of HOSTILE) {
        // Through JSON text, exactly as the escapes arrive over HTTP.
        const errors = errorsOf(parsed(JSON.stringify(make(bad))));
        expect([...new Set(errors.map((e) => e.path))]).toEqual([path]);
        expect(errors.map((e) => e.message)).toContain('must not contain NUL characters or unpaired UTF-16 surrogates');
      }
    });
  }

  it('a context key with NUL or a lone surrogate is named in the error', () => {
    const errors = errorsOf(
      parsed(
        '{"action":"a","resource":"r","reason":"x","requester":{"slackUserId":"U0A"},"context":{"k\\u0000":"v","\\ud800":1}}',
      ),
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.path.startsWith('context'))).toBe(true);
    expect(errors.some((e) => /NUL|surrogate/.test(e.message))).toBe(true);
  });

  it('refuses __proto__, constructor and prototype as context keys instead of dropping them', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = parsed(
        `{"action":"a","resource":"r","reason":"x","requester":{"slackUserId":"U0A"},"context":{"${key}":{"polluted":true},"ok":1}}`,
      );
      // JSON.parse (and so express.json) makes `__proto__` an own property.
      expect(Object.keys((body as { context: object }).context)).toContain(key);
      expect(errorsOf(body)).toEqual([
        { path: `context.${key}`, message: `"${key}" is a reserved name: use another key` },
      ]);
    }
  });

  it('refuses a top-level __proto__ as an unknown field', () => {
    const body = parsed(`{${JSON.stringify(VALID).slice(1, -1)},"__proto__":{"admin":true}}`);
    expect(errorsOf(body)).toEqual([{ path: '__proto__', message: 'is not a known field' }]);
  });

  it('still accepts a valid body, unicode included', () => {
    const result = schema.safeParse({ ...VALID, reason: 'Tabelle ersetzt 𝕏 ✅', context: { ticket: 'ünï', n: 1 } });
    expect(result.success).toBe(true);
  });
});

describe('ZCancelBody', () => {
  it('takes an optional reason and refuses anything else', () => {
    expect(ZCancelBody.parse({})).toEqual({});
    expect(ZCancelBody.parse({ reason: ' done ' })).toEqual({ reason: 'done' });
    for (const bad of [
      { reason: 'a\u0000' },
      { reason: '\uD800' },
      { reason: 1 },
      { reason: 'r'.repeat(3001) },
      { other: 1 },
      [],
    ]) {
      expect(ZCancelBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('createRequestSchema: the mcp field', () => {
  const args = { repo: 'acme/api', force: true };
  const MCP = {
    server: 'github',
    tool: 'delete_repository',
    annotations: { destructiveHint: true },
    argumentsSha256: hashJson(args),
    arguments: args,
  };

  it('accepts a tool call whose hash is its arguments’ hash, with or without the arguments', () => {
    expect(errorsOf({ ...VALID, mcp: MCP })).toEqual([]);
    const { arguments: _left, ...withoutArguments } = MCP;
    expect(errorsOf({ ...VALID, mcp: withoutArguments })).toEqual([]);
    expect(errorsOf({ ...VALID, mcp: MCP, context: { 'mcp.tool': 'delete_repository' } })).toEqual([]);
  });

  it('names every bad field: hash, server, hints, unknown keys, and a context that contradicts it', () => {
    expect(errorsOf({ ...VALID, mcp: { ...MCP, arguments: { ...args, force: false } } })).toEqual([
      { path: 'mcp.argumentsSha256', message: 'is not the SHA-256 of these arguments' },
    ]);
    expect(
      errorsOf({
        ...VALID,
        mcp: { ...MCP, server: 'git hub', annotations: { destructiveHint: 'yes', sneaky: true }, extra: 1 },
      }).map((e) => e.path),
    ).toEqual(['mcp.server', 'mcp.annotations.destructiveHint', 'mcp.annotations.sneaky', 'mcp.extra']);
    expect(errorsOf({ ...VALID, mcp: MCP, context: { 'mcp.tool': 'get_issue' } })).toEqual([
      { path: 'context.mcp.tool', message: 'must be "delete_repository" (from mcp) or left out' },
    ]);
  });
});
