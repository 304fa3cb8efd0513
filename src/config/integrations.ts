import { definePart, optional, secret } from './fields.ts';

/**
 * Pipeline integrations that call Greenlight natively. Each is off until its secret is set, so a
 * deployment that does not use one exposes nothing for it.
 */
export const integrations = definePart({
  TERRAFORM_RUN_TASK_HMAC_KEY: optional(secret(8, 'a Terraform run task HMAC key')),
});
