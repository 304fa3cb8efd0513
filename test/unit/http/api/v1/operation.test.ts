import { describe, expect, it } from 'vitest';
import { adminPrefixes, expressPath, type Operation } from '../../../../../src/http/api/v1/operation.ts';
import { OPERATIONS } from '../../../../../src/http/api/v1/operations/index.ts';

const op = (path: string, scope: Operation['scope']): Operation => ({
  method: 'get',
  path,
  operationId: path,
  tags: [],
  summary: '',
  description: '',
  scope,
  ok: { status: 200, description: '', schema: {} },
  errors: [],
});

describe('route declarations', () => {
  it('turn OpenAPI path templates into Express paths under their mount', () => {
    expect(expressPath({ path: '/api/v1/requests/{id}/cancel' }, '/api/v1')).toBe('/requests/:id/cancel');
    expect(expressPath({ path: '/healthz' })).toBe('/healthz');
    expect(() => expressPath({ path: '/healthz' }, '/api/v1')).toThrow('/healthz is not under /api/v1');
  });

  it('guard as a whole the segments whose operations are all admin-only', () => {
    expect(adminPrefixes(OPERATIONS, '/api/v1')).toEqual(['/audit', '/rules']);
    expect(adminPrefixes([op('/api/v1/requests', 'key'), op('/api/v1/keys/{id}', 'admin')], '/api/v1')).toEqual([
      '/keys',
    ]);
  });

  it('refuse a segment mixing admin operations with others, which a prefix guard would get wrong', () => {
    expect(() => adminPrefixes([op('/api/v1/rules', 'key'), op('/api/v1/rules/{id}', 'admin')], '/api/v1')).toThrow(
      '/api/v1/rules mixes admin operations with others',
    );
  });

  it('give every operation a unique id and a unique method and path', () => {
    expect(new Set(OPERATIONS.map((o) => o.operationId)).size).toBe(OPERATIONS.length);
    expect(new Set(OPERATIONS.map((o) => `${o.method} ${o.path}`)).size).toBe(OPERATIONS.length);
  });
});
