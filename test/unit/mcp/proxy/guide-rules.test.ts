import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRulesFile } from '../../../../src/cli/greenlight/rules-file.ts';
import { matchRules } from '../../../../src/domain/policy.ts';
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
function ruleFor(tool: ToolInfo): string | undefined {
  const body = requestFor({ server: 'github', requester: { slackUserId: 'U0REQUEST1' } }, tool, {}, null);
  const input = {
    action: body.action,
    resource: body.resource,
    environment: null,
    risk: body.risk ?? 'medium',
    at: new Date(),
  };
  return matchRules(guideRules(), input).match?.name;
}

describe('the mcp-proxy guide’s rules example', () => {
  it('is a valid rules file that holds destructive and unannotated tools and lets the rest through', () => {
    expect(guideRules().map((rule) => rule.outcome)).toEqual(['require_approval', 'auto_approve']);
    expect(ruleFor({ name: 'delete_repository', annotations: { destructiveHint: true } })).toBe(
      'GitHub destructive tools',
    );
    expect(ruleFor({ name: 'merge_pull_request' })).toBe('GitHub destructive tools');
    expect(ruleFor({ name: 'get_issue', annotations: { readOnlyHint: true } })).toBe('Other GitHub tools');
    expect(ruleFor({ name: 'add_comment', annotations: { destructiveHint: false } })).toBe('Other GitHub tools');
  });
});
