import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { ErrorCode } from '../../../errors.ts';

/*
 * One declaration per route: each operation the HTTP server documents (method, path, who may call
 * it, parameters, body and answers) is declared once under operations/. The routers register it with
 * `route` (method and path from the declaration), /api/v1 guards admin operations by their `scope`,
 * and openapi.ts builds the document from the same declarations.
 */

/** A piece of the OpenAPI document (plain JSON). */
export type Json = Record<string, unknown>;

/** Where component schemas live in the document. */
export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** One schema on its own (inline), without the document-level keywords. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

/** Every route under /api/v1 that needs a key can answer these. */
export const AUTHED: ErrorCode[] = ['unauthorized', 'rate_limited', 'internal', 'unavailable'];
/** A route with `{id}` in its path. */
export const BY_ID: ErrorCode[] = ['bad_request', 'not_found'];
/** A route that reads a JSON body. */
export const WITH_BODY: ErrorCode[] = [
  'bad_request',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
];
/** A route that changes a request under its row lock. */
export const LOCKED: ErrorCode[] = ['busy'];
/** A route for admin keys only (`scope: 'admin'`). */
export const ADMIN: ErrorCode[] = ['forbidden'];

/** Who may call an operation: anyone (no API key), any API key, or admin keys only. */
export type Scope = 'public' | 'key' | 'admin';

/** One operation of the HTTP API: what the router serves and the OpenAPI document describes. */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The full path, in OpenAPI's template syntax (`/api/v1/requests/{id}`). */
  path: string;
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  scope: Scope;
  parameters?: Json[];
  /** The JSON body; a body that is not `required` may be left out (read as `{}`). */
  body?: { schema: Json; required: boolean };
  ok: {
    status: number;
    description: string;
    schema: Json;
    mediaType?: string;
    headers?: Json;
    /** Media type → schema, when the answer comes in several types (replaces `schema`/`mediaType`). */
    content?: Record<string, Json>;
  };
  errors: ErrorCode[];
  /** Answers other than JSON error bodies (e.g. /readyz's own 503). */
  extraResponses?: Json;
}

/** Where the keyed API is mounted. */
export const API_V1 = '/api/v1';

/** `/api/v1/requests/{id}` under the mount `/api/v1` → Express's `/requests/:id`. */
export function expressPath(op: Pick<Operation, 'path'>, mount = ''): string {
  if (!op.path.startsWith(mount)) throw new Error(`${op.path} is not under ${mount}`);
  return op.path.slice(mount.length).replace(/\{(\w+)\}/g, ':$1') || '/';
}

/**
 * Registers `handlers` for `op` on `router` (mounted at `mount`): the method and the path come from
 * the operation's declaration, so what is served is what is documented.
 */
export function route(router: Router, mount: string, op: Operation, ...handlers: RequestHandler[]): void {
  router[op.method](expressPath(op, mount), ...handlers);
}

/**
 * The first path segments under `mount` (`/audit`, `/rules`) whose operations are declared admin-only,
 * to guard each as a whole: an unknown path under them is refused to other keys too. A segment that
 * mixes admin operations with others cannot be guarded so, and is refused at startup.
 */
export function adminPrefixes(ops: readonly Operation[], mount: string): string[] {
  const scopes = new Map<string, Set<Scope>>();
  for (const op of ops) {
    if (!op.path.startsWith(`${mount}/`)) continue;
    const prefix = `/${op.path.slice(mount.length + 1).split('/')[0]}`;
    scopes.set(prefix, (scopes.get(prefix) ?? new Set<Scope>()).add(op.scope));
  }
  return [...scopes].flatMap(([prefix, found]) => {
    if (!found.has('admin')) return [];
    if (found.size > 1) throw new Error(`${mount}${prefix} mixes admin operations with others: split them`);
    return [prefix];
  });
}
