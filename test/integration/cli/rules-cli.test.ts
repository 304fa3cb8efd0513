import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listIdentities, replaceIdentities, setIdentity } from '../../../src/services/identities/identities.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { assertBuilt, type CliRun, runCli } from '../../support/cli-process.ts';
import { query } from '../../support/database.ts';
import { API_KEY, startLifecycleApp } from '../../support/lifecycle.ts';
import { FULL_RULES_YAML } from '../../support/rule-documents.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `rules-${randomBytes(16).toString('hex')}`;
const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

/** `greenlight rules export` and `greenlight rules apply` as a pipeline runs them: the built CLI, no terminal. */
describe('greenlight rules (process)', () => {
  const t = useTestApp({ SERVICE_API_KEYS: `ci:${API_KEY},admin:${ADMIN_KEY}:admin` }, { start: startLifecycleApp });
  let dir: string;
  const running: CliRun[] = [];

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'greenlight-rules-'));
  });
  beforeEach(async () => {
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
    await replaceIdentities(t.app.deps, ADMIN, 'github', {});
  });
  const links = async () =>
    Object.fromEntries((await listIdentities(t.app.db, 'github')).map((l) => [l.externalLogin, l.slackUserId]));
  afterEach(async () => {
    for (const run of running.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[], key = ADMIN_KEY) => {
    const run = runCli(args, { GREENLIGHT_URL: t.baseUrl, GREENLIGHT_API_KEY: key });
    running.push(run);
    const { code } = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };
  const file = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await writeFile(at, text);
    return at;
  };
  const appliedCount = async () =>
    Number(
      (
        await query<{ n: string }>(
          t.database.url,
          "SELECT count(*) AS n FROM audit_events WHERE type = 'rules.applied'",
        )
      )[0]?.n,
    );

  it('applies a file with every field and its identities, and exports the identical document', async () => {
    // Nothing linked: the export has no identities section.
    expect((await cli(['rules', 'export'])).stdout).toBe('rules: []\n');

    const rulesFile = await file('rules.yml', FULL_RULES_YAML);
    const applied = await cli(['rules', 'apply', rulesFile]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('+ Production databases (added, position 1)');
    expect(applied.stdout).toContain('+ IAM changes (added, position 2)');
    expect(applied.stdout).toContain('+ github octocat → U0APPROVA1 (linked)');
    expect(applied.stdout).toContain(
      `Applied ${rulesFile}: 2 added, 0 changed, 0 removed, 0 unchanged; github identities 1 added, 0 changed, 0 removed, 0 unchanged.`,
    );
    expect((await listRules(t.app.db)).map((r) => [r.name, r.managedBy])).toEqual([
      ['Production databases', 'file'],
      ['IAM changes', 'file'],
    ]);
    expect(await links()).toEqual({ octocat: 'U0APPROVA1' });

    const exported = await cli(['rules', 'export']);
    expect(exported.code).toBe(0);
    expect(parse(exported.stdout)).toEqual(parse(FULL_RULES_YAML));
    expect(exported.stdout).toContain('identities:\n  github:\n    octocat: U0APPROVA1\n');

    // The export applies as it is: nothing to do.
    const again = await cli(['rules', 'apply', await file('exported.yml', exported.stdout)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('= 2 unchanged');
    expect(again.stdout).toContain('= 1 github link(s) unchanged');
    expect(again.stdout).toContain('Nothing to do');
  });

  it('refuses a bad file with every problem by line and field, and changes nothing', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Existing' }));
    const before = await listRules(t.app.db);
    const applied = await appliedCount();
    const bad = await file(
      'bad.yml',
      [
        'rules:', //                                     1
        '  - name: Fine', //                             2
        '    approvers: [U0APPROVA1]', //                3
        '  - name: Slow', //                             4
        '    approvers: [U0APPROVA1]', //                5
        '    reminder:', //                              6
        '      afterSeconds: 5', //                      7
        '    escalation:', //                            8
        '      - afterSeconds: 60', //                   9
        '        approvers: [U0APPROVB1]', //            10
        '        channel: general', //                   11
        '  - name: Typo', //                             12
        '    match:', //                                 13
        "      actions: ['db.{']", //                    14
        '    approvers: [U0APPROVA1]', //                15
        '    reminders: { afterSeconds: 60 }', //        16
        'identities:', //                                17
        '  github:', //                                  18
        '    octocat: U0APPROVA1', //                    19
        '    octo cat: U0APPROVB1', //                   20
        '    octo.cat: U0APPROVB1', //                   21
        '    mona: alice', //                            22
        '',
      ].join('\n'),
    );
    const refused = await cli(['rules', 'apply', bad]);
    expect(refused.code).toBe(65);
    expect(refused.stdout).toBe('');
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${bad}:7:7 rules[1].reminder.afterSeconds: must be at least 10 seconds`,
      `${bad}:11:9 rules[1].escalation.0.channel: must be a channel`,
      `${bad}:16:5 rules[2].reminders: is not a known field`,
      `${bad}:20:5 identities.github.octo cat: is not a GitHub login`,
      `${bad}:21:5 identities.github.octo.cat: is not a GitHub login`,
      `${bad}:22:5 identities.github.mona: must be a Slack user id (U…/W…)`,
      `greenlight: ${bad} refused: 6 problem(s); nothing was changed`,
    ]);
    // Good rules with one bad link: nothing is applied, the rules included.
    const oneBad = await file(
      'one-bad.yml',
      [
        'rules:', //                                     1
        '  - name: Fine', //                             2
        '    approvers: [U0APPROVA1]', //                3
        'identities:', //                                4
        '  github:', //                                  5
        '    octocat: U0APPROVA1', //                    6
        '    -octocat-: U0APPROVB1', //                  7
        '',
      ].join('\n'),
    );
    const oneBadRun = await cli(['rules', 'apply', oneBad]);
    expect(oneBadRun.code).toBe(65);
    expect(oneBadRun.stderr).toContain(`${oneBad}:7:5 identities.github.-octocat-: is not a GitHub login`);
    expect(await links()).toEqual({});
    // Once the shape is right, the semantic checks point at their lines too.
    const semantic = await file(
      'semantic.yml',
      [
        'rules:',
        '  - name: Typo',
        '    match:',
        "      actions: ['ok.*', 'db.{']",
        '    approvers: [U0APPROVA1]',
        '',
      ].join('\n'),
    );
    const second = await cli(['rules', 'apply', semantic]);
    expect(second.code).toBe(65);
    expect(second.stderr).toContain(
      `${semantic}:4:25 rules[0].match.actions.1: Action pattern has unbalanced brackets`,
    );

    expect(await listRules(t.app.db)).toEqual(before);
    expect(await appliedCount()).toBe(applied);
  });

  it('refuses YAML it cannot read, and identities of the wrong shape, before sending anything', async () => {
    const replaced = await query<{ n: string }>(
      t.database.url,
      "SELECT count(*) AS n FROM audit_events WHERE type = 'identity.replaced'",
    );
    const applied = await appliedCount();
    const broken = await file('broken.yml', 'rules:\n  - name: [unclosed\n');
    const syntax = await cli(['rules', 'apply', broken]);
    expect(syntax.code).toBe(65);
    expect(syntax.stderr).toMatch(new RegExp(`^${broken.replaceAll('.', '\\.')}:\\d+:\\d+ `));
    expect(syntax.stderr).toContain('nothing was sent');

    const identities = await file('identities.yml', 'rules: []\nidentities:\n  github: [octocat]\nextra: 1\n');
    const shape = await cli(['rules', 'apply', identities]);
    expect(shape.code).toBe(65);
    expect(shape.stderr).toContain(`${identities}:4:1 extra: is not a known field (rules, identities)`);
    expect(shape.stderr).toContain(
      `${identities}:3:3 identities.github: must map logins to Slack user ids, e.g. octocat: U0123ABCD`,
    );
    expect(shape.stderr).toContain('nothing was sent');
    expect(await appliedCount()).toBe(applied);
    expect(
      await query<{ n: string }>(
        t.database.url,
        "SELECT count(*) AS n FROM audit_events WHERE type = 'identity.replaced'",
      ),
    ).toEqual(replaced);
  });

  it('refuses a YAML alias bomb with a message at its line, exit 65, before sending anything', async () => {
    const applied = await appliedCount();
    // "Billion laughs": nine levels of nine aliases each expand to 9^9 strings when read.
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const name of 'bcdefghi') {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const bomb = await file('bomb.yml', `${levels.join('\n')}\nrules: *i\n`);
    const refused = await cli(['rules', 'apply', bomb]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain(`${bomb}:2:`);
    expect(refused.stderr).toMatch(/aliases expand too far/);
    expect(refused.stderr).toContain('nothing was sent');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await appliedCount()).toBe(applied);
  });

  it('prints a dry run’s diff and applies nothing', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'IAM changes', actionPatterns: ['iam.*'] }));
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Old' }));
    await setIdentity(t.app.deps, ADMIN, 'github', 'hubot', 'U0APPROVB1');
    const before = await listRules(t.app.db);
    const rulesFile = await file('dry.yml', FULL_RULES_YAML);
    const dry = await cli(['rules', 'apply', rulesFile, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+ Production databases (added, position 1)');
    expect(dry.stdout).toContain('~ IAM changes (changed)');
    expect(dry.stdout).toContain('    priority: 1 → 2');
    expect(dry.stdout).toContain('    outcome: "require_approval" → "auto_deny"');
    expect(dry.stdout).toContain('    managedBy: null → "file"');
    expect(dry.stdout).toContain('- Old (removed)');
    expect(dry.stdout).toContain('+ github octocat → U0APPROVA1 (linked)');
    expect(dry.stdout).toContain('- github hubot (unlinked, was U0APPROVB1)');
    expect(dry.stdout).toContain(
      `Dry run of ${rulesFile}: would be 1 added, 1 changed, 1 removed, 0 unchanged; github identities 1 added, 0 changed, 1 removed, 0 unchanged; nothing was changed.`,
    );
    expect(await listRules(t.app.db)).toEqual(before);
    expect(await links()).toEqual({ hubot: 'U0APPROVB1' });

    // A re-link shows before and after.
    await setIdentity(t.app.deps, ADMIN, 'github', 'octocat', 'U0APPROVB1');
    const relink = await cli(['rules', 'apply', rulesFile, '--dry-run']);
    expect(relink.stdout).toContain('~ github octocat: U0APPROVB1 → U0APPROVA1 (re-linked)');
  });

  it('a request-scoped key is refused (403), exit 69', async () => {
    const exported = await cli(['rules', 'export'], API_KEY);
    expect(exported.code).toBe(69);
    expect(exported.stderr).toContain('403 forbidden');
    const applied = await cli(['rules', 'apply', await file('any.yml', 'rules: []\n')], API_KEY);
    expect(applied.code).toBe(69);
  });
});
