import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRulesFile } from '../../../../src/cli/greenlight/rules-file.ts';
import { matchRules, resourceFor } from '../../../../src/domain/policy.ts';
import { requestFor, type ToolInfo } from '../../../../src/mcp/proxy/tool-call.ts';
import { toRuleInput, ZRuleDocument } from '../../../../src/services/routing/rule-document.ts';

const GUIDE = new URL('../../../../docs/guides/mcp-proxy.md', import.meta.url);

/** The rules example of docs/guides/mcp-proxy.md, as the service would store it. */
function guideRules() {
  const yaml = /```yaml\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))?.[1];
  if (yaml === undefined) throw new Error('the guide has no yaml example');
  const parsed = parseRulesFile(yaml);
  if (!parsed.ok) throw new Error(`the guide's rules do not parse: ${JSON.stringify(parsed.problems)}`);
  return parsed.file.rules.map((doc, index) => ({
    ...toRuleInput(ZRuleDocument.parse(doc)),
    id: `r${index}`,
    priority: index + 1,
  }));
}

/** Which of the guide's rules a call of `tool` through `--name github` meets. */
function ruleFor(tool: ToolInfo, args: Record<string, unknown> = {}): { name?: string; resource: string } {
  const body = requestFor({ server: 'github', requester: { slackUserId: 'U0REQUEST1' } }, tool, args, null);
  const input = {
    action: body.action,
    resource: body.resource,
    environment: null,
    risk: body.risk ?? 'medium',
    at: new Date(),
    mcp: { annotations: body.mcp.annotations, arguments: args },
  };
  const { match } = matchRules(guideRules(), input);
  return {
    ...(match === null ? {} : { name: match.name }),
    resource: match === null ? body.resource : resourceFor(match, input),
  };
}

describe('the mcp-proxy guide’s rules example', () => {
  it('is a valid rules file that holds destructive and unannotated tools and lets the rest through', () => {
    expect(guideRules().map((rule) => rule.outcome)).toEqual(['require_approval', 'auto_approve']);
    expect(ruleFor({ name: 'delete_repository', annotations: { destructiveHint: true } }).name).toBe(
      'GitHub destructive tools',
    );
    expect(ruleFor({ name: 'merge_pull_request' }).name).toBe('GitHub destructive tools');
    expect(ruleFor({ name: 'get_issue', annotations: { readOnlyHint: true } }).name).toBe('Other GitHub tools');
    expect(ruleFor({ name: 'add_comment', annotations: { destructiveHint: false } }).name).toBe('Other GitHub tools');
  });

  it('takes the resource of a destructive call from its repo argument, and keeps the proxy’s one without it', () => {
    const tool = { name: 'delete_repository', annotations: { destructiveHint: true } };
    expect(ruleFor(tool, { repo: 'acme/api' })).toEqual({ name: 'GitHub destructive tools', resource: 'acme/api' });
    expect(ruleFor(tool, { owner: 'acme' })).toEqual({ name: 'GitHub destructive tools', resource: 'github' });
  });
});
