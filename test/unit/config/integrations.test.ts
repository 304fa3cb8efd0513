import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

describe('integrations config', () => {
  it('leaves the Terraform run task off by default', () => {
    expect(parseConfigParts({}, ['integrations'])).toMatchObject({ TERRAFORM_RUN_TASK_HMAC_KEY: undefined });
  });

  it('takes an HMAC key of 8 characters or more', () => {
    expect(parseConfigParts({ TERRAFORM_RUN_TASK_HMAC_KEY: 'k3y-0f-tfc' }, ['integrations'])).toMatchObject({
      TERRAFORM_RUN_TASK_HMAC_KEY: 'k3y-0f-tfc',
    });
  });

  it('refuses a short key without showing it', () => {
    const [problem] = problemsOf({ TERRAFORM_RUN_TASK_HMAC_KEY: 'abc123' }, ['integrations']);
    expect(problem).toBe(
      'TERRAFORM_RUN_TASK_HMAC_KEY is too short to be a Terraform run task HMAC key (6 characters, at least 8 needed; value not shown)',
    );
  });
});
