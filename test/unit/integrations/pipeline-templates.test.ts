import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RUN_USAGE } from '../../../src/cli/greenlight/commands/run.ts';

const ROOT = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** A GitHub expression as written in action.yml (`${{ … }}`), built so no string holds a template-like placeholder. */
const expr = (inner: string) => `$${'{{'} ${inner} }}`;

/** Flags of other tools the scripts use (npm, curl, jq); every other `--flag` must be greenlight run's. */
const OTHER_TOOLS = new Set([
  '--global',
  '--no-audit',
  '--no-fund',
  '--fail-with-body',
  '--silent',
  '--show-error',
  '--retry',
  '--data',
  '--arg',
  '--argjson',
  '--help',
]);

/** The `--flags` a script passes, other tools' left out. */
function greenlightFlags(script: string): string[] {
  const flags = new Set(script.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []);
  return [...flags].filter((flag) => !OTHER_TOOLS.has(flag));
}

/** Checks a script's syntax with `shell -n` without running it. */
function syntaxError(shell: 'bash' | 'sh', script: string): string {
  const result = spawnSync(shell, ['-n'], { input: script, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stderr;
}

interface ActionYaml {
  runs: {
    using: string;
    steps: Array<{ id?: string; uses?: string; shell?: string; run?: string; env?: Record<string, string> }>;
  };
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
}

describe('GitHub Action (integrations/github-action)', () => {
  const action = parse(read('integrations/github-action/action.yml')) as ActionYaml;

  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    for (const input of ['server-url', 'api-key', 'action', 'resource', 'reason']) {
      expect(action.inputs[input]?.required, input).toBe(true);
    }
    for (const input of ['environment', 'wait', 'timeout', 'command', 'risk', 'requester', 'context']) {
      expect(action.inputs[input]?.required, input).toBe(false);
    }
    expect(action.inputs.wait?.default).toBe('true');
    const gate = action.runs.steps.find((step) => step.id === 'gate');
    expect(gate).toBeDefined();
    expect(action.outputs['request-id']?.value).toBe(expr('steps.gate.outputs.request-id'));
    expect(action.outputs.grant?.value).toBe(expr('steps.gate.outputs.grant'));
  });

  it('passes inputs to its scripts through the environment only (no GitHub expression in a script: no injection)', () => {
    const scripts = action.runs.steps.filter((step) => step.run !== undefined);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const step of scripts) {
      expect(step.shell).toBe('bash');
      expect(step.run).not.toContain(expr('').slice(0, 3));
      expect(syntaxError('bash', step.run as string)).toBe('');
    }
    const env = action.runs.steps.find((step) => step.id === 'gate')?.env ?? {};
    for (const input of Object.keys(action.inputs).filter((name) => name !== 'cli-package')) {
      expect(Object.values(env), input).toContain(expr(`inputs.${input}`));
    }
  });

  it('runs the CLI with flags greenlight run has, and its scripts parse', () => {
    const gate = read('integrations/github-action/gate.sh');
    expect(gate).toContain(`greenlight run "$${'{'}args[@]}" -- bash`);
    const flags = greenlightFlags(gate);
    expect(flags).toEqual(expect.arrayContaining(['--action', '--resource', '--reason', '--wait', '--context']));
    for (const flag of flags) expect(RUN_USAGE, flag).toContain(`${flag} `);
    expect(syntaxError('bash', gate)).toBe('');
    expect(syntaxError('bash', read('integrations/github-action/emit-outputs.sh'))).toBe('');
  });

  it('hands the request id and the masked grant to later steps, then runs the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-action-'));
    try {
      const output = join(dir, 'output');
      writeFileSync(output, '');
      const stdout = execFileSync('bash', [join(ROOT, 'integrations/github-action/emit-outputs.sh')], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          GITHUB_OUTPUT: output,
          GREENLIGHT_REQUEST_ID: 'b8a7c1d2-0000-4000-8000-000000000001',
          GREENLIGHT_GRANT: 'eyJhbGciOiJFZERTQSJ9.e30.sig',
          GREENLIGHT_COMMAND: 'echo "ran with $GREENLIGHT_REQUEST_ID"',
        },
      });
      expect(stdout).toContain('::add-mask::eyJhbGciOiJFZERTQSJ9.e30.sig');
      expect(stdout).toContain('ran with b8a7c1d2-0000-4000-8000-000000000001');
      expect(readFileSync(output, 'utf8')).toBe(
        'request-id=b8a7c1d2-0000-4000-8000-000000000001\ngrant=eyJhbGciOiJFZERTQSJ9.e30.sig\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GitLab CI template (integrations/gitlab)', () => {
  const template = parse(read('integrations/gitlab/greenlight.gitlab-ci.yml')) as Record<
    string,
    { variables: Record<string, string>; script: string[]; before_script: string[] }
  >;

  it('offers a hidden job .greenlight that runs greenlight run with its flags', () => {
    expect(Object.keys(template)).toEqual(['.greenlight']);
    const job = template['.greenlight'];
    expect(job?.variables).toMatchObject({ GREENLIGHT_ACTION: '', GREENLIGHT_RESOURCE: '', GREENLIGHT_COMMAND: '' });
    const script = [...(job?.before_script ?? []), ...(job?.script ?? [])].join('\n');
    expect(script).toContain('greenlight run "$@"');
    const flags = greenlightFlags(script);
    expect(flags).toEqual(expect.arrayContaining(['--action', '--resource', '--reason', '--wait', '--context']));
    for (const flag of flags) expect(RUN_USAGE, flag).toContain(`${flag} `);
    expect(syntaxError('sh', script)).toBe('');
  });
});

describe('plain-shell example (integrations/shell/gate.sh)', () => {
  const gate = read('integrations/shell/gate.sh');

  it('parses, and runs greenlight run with flags it has', () => {
    expect(syntaxError('bash', gate)).toBe('');
    const flags = greenlightFlags(gate);
    expect(flags).toEqual(expect.arrayContaining(['--action', '--resource', '--reason', '--wait', '--context']));
    for (const flag of flags) expect(RUN_USAGE, flag).toContain(`${flag} `);
  });

  it('refuses bad usage with 64 before asking anything', () => {
    const result = spawnSync('bash', [join(ROOT, 'integrations/shell/gate.sh'), 'db.migrate', 'prod/main'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('Usage: gate.sh');
  });
});
