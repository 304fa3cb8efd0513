import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { toAppError } from '../../../src/http/errors.ts';

describe('toAppError', () => {
  const identity = { headers: {} };
  const codeOf = (error: unknown, headers: Record<string, string> = {}) => {
    const appError = toAppError(error, { headers });
    return `${appError.status} ${appError.code}`;
  };

  it('keeps AppErrors and hides unknown errors behind a generic 500', () => {
    expect(toAppError(new AppError('conflict', 'x'), identity).code).toBe('conflict');
    expect(codeOf(new Error('secret detail'))).toBe('500 internal');
    expect(toAppError(new Error('secret detail'), identity).message).toBe('internal error');
  });

  it('maps undecodable path parameters to 400', () => {
    let uriError: unknown;
    try {
      decodeURIComponent('%E0%A4%A');
    } catch (error) {
      uriError = error;
    }
    expect(codeOf(uriError)).toBe('400 bad_request');
  });

  it('maps body-parser failures in one place', () => {
    const bodyError = (type: string, status: number, extra: object = {}) =>
      Object.assign(new Error(type), { type, status, ...extra });
    expect(codeOf(bodyError('entity.too.large', 413, { limit: 65536 }))).toBe('413 payload_too_large');
    expect(codeOf(bodyError('entity.parse.failed', 400))).toBe('400 bad_request');
    expect(codeOf(bodyError('encoding.unsupported', 415, { encoding: 'compress' }))).toBe('415 unsupported_media_type');
    expect(toAppError(bodyError('encoding.unsupported', 415, { encoding: 'compress' }), identity).message).toMatch(
      /"compress"/,
    );
    expect(codeOf(bodyError('charset.unsupported', 415, { charset: 'klingon' }))).toBe('415 unsupported_media_type');
    expect(codeOf(bodyError('request.size.invalid', 400))).toBe('400 bad_request');
    expect(codeOf(bodyError('request.aborted', 400))).toBe('400 bad_request');
  });

  it('maps a body that does not decompress to 400 naming the encoding', () => {
    let zlibError: unknown;
    try {
      gunzipSync(Buffer.from('{"not":"gzip"}'));
    } catch (error) {
      zlibError = Object.assign(error as Error, { status: 400 }); // what body-parser does with it
    }
    const appError = toAppError(zlibError, { headers: { 'content-encoding': 'gzip' } });
    expect(`${appError.status} ${appError.code}`).toBe('400 bad_request');
    expect(appError.message).toBe('request body is not valid gzip');
  });
});
