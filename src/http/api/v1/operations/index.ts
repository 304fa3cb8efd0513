import type { Operation } from '../operation.ts';
import { AUDIT_OPERATIONS } from './audit.ts';
import { META_OPERATIONS } from './meta.ts';
import { REQUEST_OPERATIONS } from './requests.ts';
import { RULE_OPERATIONS } from './rules.ts';

/** Every operation the server documents, in the document's order (the contract test checks them against the router). */
export const OPERATIONS: Operation[] = [
  ...Object.values(REQUEST_OPERATIONS),
  ...Object.values(AUDIT_OPERATIONS),
  ...Object.values(RULE_OPERATIONS),
  ...Object.values(META_OPERATIONS),
];
