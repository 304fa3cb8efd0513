import { z } from 'zod';
import { definePart, optional, secret, type TParse } from './fields.ts';

const longEnough = secret(16, 'a metrics token');

/** A bearer token: 16 or more characters, none of them blank (it travels in one header word). */
const bearerToken: TParse<string> = (value, report) => {
  if (/\s/.test(value)) {
    report('must not contain spaces or other blanks (value not shown)');
    return z.NEVER;
  }
  return longEnough(value, report);
};

/** How the service is watched: who may scrape GET /metrics. */
export const observe = definePart({
  METRICS_TOKEN: optional(bearerToken),
});
