import { ConfigError, parseConfigParts, type TConfigPartName } from '../../../src/config/index.ts';

/** The problem lines parsing `env` (the named parts, or all) reports; fails the test when it parses. */
export function problemsOf(
  env: Record<string, string | undefined>,
  parts: readonly TConfigPartName[] = ['core', 'database', 'redis', 'slack', 'keys'],
): string[] {
  try {
    parseConfigParts(env, parts);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Slack settings that parse, for tests about other variables. */
export const VALID_SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' };
