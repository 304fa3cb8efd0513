import { readFileSync } from 'node:fs';
import {
  type Cmd,
  type Copy,
  DockerfileParser,
  type Env,
  type From,
  type Healthcheck,
  type Instruction,
  type JSONInstruction,
} from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { objectsOf } from './manifests.ts';

const ROOT = new URL('../../../', import.meta.url);
const dockerfile = DockerfileParser.parse(readFileSync(new URL('Dockerfile', ROOT), 'utf8'));
const instructions = dockerfile.getInstructions();

/** The instructions of each build stage, in order; each stage starts with its FROM. */
function stages(): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const runtime = stages().at(-1) ?? [];
const inRuntime = (keyword: string) => runtime.filter((instruction) => instruction.getKeyword() === keyword);
const args = (instruction: Instruction) => instruction.getArguments().map((argument) => argument.getValue());
/** A COPY: the stage it copies from (null: the build context), its sources and its destination. */
interface TCopy {
  from: string | null;
  sources: string[];
  destination: string | undefined;
}
function copiesIn(stage: Instruction[]): TCopy[] {
  return (stage.filter((instruction) => instruction.getKeyword() === 'COPY') as Copy[]).map((copy) => {
    const paths = args(copy);
    return { from: copy.getFromFlag()?.getValue() ?? null, sources: paths.slice(0, -1), destination: paths.at(-1) };
  });
}

/** The strings of an exec-form (JSON array) instruction, or null for the shell form. */
function execForm(instruction: JSONInstruction): string[] | null {
  if (instruction.getOpeningBracket() === null) return null;
  return instruction.getJSONStrings().map((string) => string.getJSONValue());
}

describe('Dockerfile', () => {
  it('parses, and builds in stages from the Node major the package requires', () => {
    const froms = dockerfile.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const engines = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { engines: { node: string } };
    const major = /(\d+)/.exec(engines.engines.node)?.[1];
    const final = runtime[0] as From;
    expect(final.getImageName()).toBe('node');
    expect(final.getImageTag()).toMatch(new RegExp(`^${major}-.*slim$`));
    // The runtime starts from a clean base, not from the build stage.
    expect(froms.map((from) => from.getBuildStage())).not.toContain(final.getImageName());
  });

  it('runs as a non-root user, by number, the same uid the Kubernetes pods run as', () => {
    const users = inRuntime('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = args(users.at(-1) as Instruction).join(' ');
    const [uid] = user.split(':');
    expect(['root', '0']).not.toContain(uid);
    expect(uid).toMatch(/^[1-9]\d*$/);
    for (const deployment of objectsOf(Deployment.is)) {
      expect(deployment.spec?.template.spec?.securityContext?.runAsUser).toBe(Number(uid));
    }
  });

  it('runs exactly `node dist/main.js` in exec form, with no ENTRYPOINT in between', () => {
    const cmds = inRuntime('CMD') as Cmd[];
    expect(cmds).toHaveLength(1);
    expect(execForm(cmds[0] as Cmd)).toEqual(['node', 'dist/main.js']);
    expect(inRuntime('ENTRYPOINT')).toEqual([]);
  });

  it('has a healthcheck that asks /healthz with node (slim images have no curl)', () => {
    const checks = inRuntime('HEALTHCHECK') as Healthcheck[];
    expect(checks).toHaveLength(1);
    const check = checks[0] as Healthcheck;
    expect(check.getSubcommand()?.getValue()).toBe('CMD');
    const command = check.getArgumentsContent() ?? '';
    expect(command).toContain('/healthz');
    expect(command).toMatch(/\["node", "-e", /);
    expect(command).toContain('process.env.PORT || 3000');
    expect(command).not.toMatch(/curl|wget/);
  });

  it('exposes 3000 and sets NODE_ENV=production', () => {
    expect(inRuntime('EXPOSE').flatMap(args)).toEqual(['3000']);
    const env = Object.fromEntries(
      (inRuntime('ENV') as Env[]).flatMap((instruction) =>
        instruction.getProperties().map((property) => [property.getName(), property.getValue()]),
      ),
    );
    expect(env.NODE_ENV).toBe('production');
  });

  it('ships what startup reads: dist/, production node_modules, prisma/migrations and package.json', () => {
    const copies = copiesIn(runtime);
    for (const path of ['./dist', './node_modules', './prisma/migrations', './']) {
      expect(copies.map((copy) => copy.destination)).toContain(path);
    }
    expect(copies).toContainEqual({ from: null, sources: ['prisma/migrations'], destination: './prisma/migrations' });
    expect(copies).toContainEqual({ from: null, sources: ['package.json'], destination: './' });
    // node_modules comes from a stage that installed production dependencies without running scripts
    // (the postinstall needs the prisma CLI, a devDependency).
    const from = copies.find((copy) => copy.destination === './node_modules')?.from;
    const depsStage = stages().find((stage) => (stage[0] as From).getBuildStage() === from) ?? [];
    const install = depsStage
      .filter((instruction) => instruction.getKeyword() === 'RUN')
      .map((instruction) => instruction.getArgumentsContent() ?? '')
      .find((command) => /npm (ci|install)/.test(command));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--ignore-scripts/);
  });

  it('builds with `npm run build`, which generates the Prisma client before compiling', () => {
    const builds = instructions.filter(
      (instruction) => instruction.getKeyword() === 'RUN' && instruction.getArgumentsContent() === 'npm run build',
    );
    expect(builds).toHaveLength(1);
    const scripts = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.scripts.build).toBe('node scripts/build.mjs');
    // scripts/build.mjs (COPY scripts) runs its steps in order: prisma generate, then tsc.
    const steps = readFileSync(new URL('scripts/build.mjs', ROOT), 'utf8');
    const generate = steps.indexOf("['scripts/prisma-generate.mjs']");
    expect(generate).toBeGreaterThan(-1);
    expect(steps.indexOf("'typescript', 'bin', 'tsc'", generate)).toBeGreaterThan(generate);
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(new URL('.dockerignore', ROOT), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const allowed = lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/\/$/, ''));

  it('lets in only what the Dockerfile copies from the context, so .env and .data never enter it', () => {
    expect(lines[0]).toBe('*');
    const sources = stages()
      .flatMap(copiesIn)
      .filter((copy) => copy.from === null)
      .flatMap((copy) => copy.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const path = source.replace(/\/$/, '');
      expect(
        allowed.some((entry) => path === entry || path.startsWith(`${entry}/`)),
        `${source} is copied but not let in`,
      ).toBe(true);
    }
    for (const secret of ['.env', '.data', 'node_modules', 'dist', '.git']) expect(allowed).not.toContain(secret);
    // The generated client is rebuilt inside the image, never copied from the developer's tree.
    expect(lines).toContain('src/generated/');
  });
});
