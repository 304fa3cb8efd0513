import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { environmentOf } from '../../../src/services/terraform/subject.ts';
import { problemsOf } from './problems.ts';

describe('integrations config', () => {
  it('leaves the Terraform run task off by default', () => {
    expect(parseConfigParts({}, ['integrations'])).toMatchObject({
      TERRAFORM_RUN_TASK_HMAC_KEY: undefined,
      TERRAFORM_REQUESTER: undefined,
      TERRAFORM_REQUESTERS: undefined,
      REQUIRE_LINKED_REQUESTERS: false,
    });
  });

  it('reads REQUIRE_LINKED_REQUESTERS as true or false, and names a value that is neither', () => {
    const read = (value: string) => parseConfigParts({ REQUIRE_LINKED_REQUESTERS: value }, ['integrations']);
    expect(read('true').REQUIRE_LINKED_REQUESTERS).toBe(true);
    expect(read('0').REQUIRE_LINKED_REQUESTERS).toBe(false);
    expect(read('').REQUIRE_LINKED_REQUESTERS).toBe(false);
    expect(problemsOf({ REQUIRE_LINKED_REQUESTERS: 'always' }, ['integrations'])).toEqual([
      'REQUIRE_LINKED_REQUESTERS "always" is not true or false',
    ]);
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

  it('maps HCP Terraform usernames to Slack user ids, with a fallback requester', () => {
    const config = parseConfigParts(
      { TERRAFORM_REQUESTERS: 'rita=U0123ABCD, sam.ops=W0456EFGH', TERRAFORM_REQUESTER: 'U0FALLBACK' },
      ['integrations'],
    );
    expect(config.TERRAFORM_REQUESTER).toBe('U0FALLBACK');
    expect([...(config.TERRAFORM_REQUESTERS ?? [])]).toEqual([
      ['rita', 'U0123ABCD'],
      ['sam.ops', 'W0456EFGH'],
    ]);
  });

  it('names every bad requester entry, and a fallback that is not a Slack user id', () => {
    expect(
      problemsOf({ TERRAFORM_REQUESTERS: 'rita=U0123ABCD,sam,=U0456,ann=#ops', TERRAFORM_REQUESTER: 'rita' }, [
        'integrations',
      ]),
    ).toEqual([
      'TERRAFORM_REQUESTER "rita" is not a Slack user id (U…/W…)',
      'TERRAFORM_REQUESTERS entry "sam" is not <terraform username>=<Slack user id U…/W…>',
      'TERRAFORM_REQUESTERS entry "=U0456" is not <terraform username>=<Slack user id U…/W…>',
      'TERRAFORM_REQUESTERS entry "ann=#ops" is not <terraform username>=<Slack user id U…/W…>',
    ]);
  });
});

describe('TERRAFORM_ENVIRONMENT_PATTERN', () => {
  const environment = (workspace: string, pattern?: string) =>
    environmentOf(
      workspace,
      parseConfigParts(pattern === undefined ? {} : { TERRAFORM_ENVIRONMENT_PATTERN: pattern }, ['integrations'])
        .TERRAFORM_ENVIRONMENT_PATTERN,
    );

  it('reads the environment from the end of a workspace name by default', () => {
    expect(environment('infra-prod')).toBe('prod');
    expect(environment('network_STAGING')).toBe('staging');
    expect(environment('production-network')).toBeNull();
    expect(environment('payments')).toBeNull();
  });

  it('reads it with a pattern of your own: the environment group, else the first group, else the match', () => {
    expect(environment('prod-network', '^(?<environment>[a-z]+)-')).toBe('prod');
    expect(environment('eu1.staging.api', '\\.([a-z]+)\\.')).toBe('staging');
    expect(environment('qa', '^qa$')).toBe('qa');
    expect(environment('network', '^(?<environment>[a-z]+)-')).toBeNull();
  });

  it('refuses a pattern that is not a regular expression, naming the setting', () => {
    expect(problemsOf({ TERRAFORM_ENVIRONMENT_PATTERN: '(unclosed' }, ['integrations'])).toEqual([
      expect.stringMatching(/^TERRAFORM_ENVIRONMENT_PATTERN is not a regular expression/),
    ]);
  });
});
