import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, type IContainer, type ISecret, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/index.ts';
import {
  CONFIG_VARIABLES,
  deploymentOfRole,
  kubernetesObjects,
  manifestFiles,
  objectsOf,
  readManifest,
  selects,
  validateObject,
} from './manifests.ts';

const ROLES = ['web', 'worker'] as const;
/** Variables Node itself reads, which a Deployment may set beside Greenlight's own. */
const NODE_VARIABLES: ReadonlySet<string> = new Set(['NODE_OPTIONS']);
/** The port the image EXPOSEs and the service listens on (PORT). */
const SERVICE_PORT = 3000;

function containerOf(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0] as IContainer;
}

function configMap(): Record<string, string> {
  const maps = objectsOf(ConfigMap.is);
  expect(maps).toHaveLength(1);
  return maps[0]?.data ?? {};
}

function exampleSecret(): ISecret {
  const secrets = readManifest('secret.example.yaml').filter(Secret.is);
  expect(secrets).toHaveLength(1);
  return secrets[0] as ISecret;
}

/** The environment a pod of `role` gets: the ConfigMap, then the Secret, then its own `env` (later wins). */
function podEnvironment(role: string, secret: Record<string, string>): Record<string, string> {
  const own = Object.fromEntries((containerOf(deploymentOfRole(role)).env ?? []).map((v) => [v.name, v.value ?? '']));
  return { ...configMap(), ...secret, ...own };
}

/** A well-formed value for each variable the example Secret holds (a new secret key needs one here). */
const VALID_SECRET_VALUES: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-1234-5678-test',
  SLACK_SIGNING_SECRET: 'a'.repeat(32),
  SLACK_APP_TOKEN: '',
  DATABASE_URL: 'postgresql://greenlight:secret@postgres:5432/greenlight',
  REDIS_URL: 'redis://:secret@redis:6379',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  SERVICE_API_KEYS: `ci:${'s'.repeat(32)}`,
  CALLBACK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  METRICS_TOKEN: randomBytes(24).toString('hex'),
};

describe('deploy/kubernetes', () => {
  it('parses as YAML, and every object validates against the Kubernetes schema of its kind', () => {
    const objects = kubernetesObjects();
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const { file, object } of objects) {
      expect(() => validateObject(object), file).not.toThrow();
    }
  });

  it('the schema check is not vacuous: a malformed Deployment is refused', () => {
    const broken = structuredClone(deploymentOfRole('web'));
    (broken.spec as { replicas: unknown }).replicas = 'two';
    expect(() => new Deployment(broken).validate()).toThrow(/replicas must be integer/);
    const noImage = structuredClone(deploymentOfRole('web'));
    const container = noImage.spec?.template.spec?.containers[0] as { name?: string };
    delete container.name;
    expect(() => new Deployment(noImage).validate()).toThrow(/name/);
  });

  it('kustomization.yaml lists exactly the manifests of the folder, the *.example.yaml ones aside', () => {
    const [kustomization] = readManifest('kustomization.yaml') as Array<{
      kind: string;
      resources: string[];
      images: Array<{ name: string }>;
    }>;
    expect(kustomization?.kind).toBe('Kustomization');
    const applied = manifestFiles().filter((file) => file !== 'kustomization.yaml' && !file.endsWith('.example.yaml'));
    expect([...(kustomization?.resources ?? [])].sort()).toEqual(applied);
    expect(manifestFiles()).toContain('secret.example.yaml');
    // The `images` entry rewrites exactly the image name the Deployments use.
    for (const role of ROLES) {
      expect(kustomization?.images.map((image) => image.name)).toContain(containerOf(deploymentOfRole(role)).image);
    }
  });

  it('runs both roles, each in its own Deployment of at least two replicas whose selector matches its pods', () => {
    for (const role of ROLES) {
      const deployment = deploymentOfRole(role);
      expect(deployment.spec?.replicas, role).toBeGreaterThanOrEqual(2);
      const labels = deployment.spec?.template.metadata?.labels;
      expect(selects(deployment.spec?.selector.matchLabels, labels), role).toBe(true);
      expect(labels?.['app.kubernetes.io/component']).toBe(role);
    }
    expect(objectsOf(Deployment.is)).toHaveLength(ROLES.length);
  });

  it('probes /healthz (startup, liveness) and /readyz (readiness) on the port the service listens on', () => {
    for (const role of ROLES) {
      const container = containerOf(deploymentOfRole(role));
      const http = container.ports?.find((port) => port.name === 'http');
      expect(http?.containerPort, role).toBe(SERVICE_PORT);
      expect(container.env?.find((variable) => variable.name === 'PORT')?.value, role).toBe(String(SERVICE_PORT));
      const probes = {
        startupProbe: '/healthz',
        livenessProbe: '/healthz',
        readinessProbe: '/readyz',
      } as const;
      for (const [probe, path] of Object.entries(probes) as Array<[keyof typeof probes, string]>) {
        const get = container[probe]?.httpGet;
        expect(get?.path, `${role} ${probe}`).toBe(path);
        expect([http?.name, http?.containerPort], `${role} ${probe}`).toContain(get?.port);
      }
    }
  });

  it('the Service sends port 80 to the web pods only, on their container port', () => {
    const services = objectsOf(Service.is);
    expect(services).toHaveLength(1);
    const spec = services[0]?.spec;
    const port = spec?.ports?.[0];
    expect(port?.port).toBe(80);
    const web = deploymentOfRole('web');
    expect([...(containerOf(web).ports ?? []).flatMap((p) => [p.name, p.containerPort])]).toContain(port?.targetPort);
    expect(selects(spec?.selector, web.spec?.template.metadata?.labels)).toBe(true);
    expect(selects(spec?.selector, deploymentOfRole('worker').spec?.template.metadata?.labels)).toBe(false);
  });

  it('has a PodDisruptionBudget per role that selects that role’s pods and not the other’s', () => {
    const budgets = objectsOf(PodDisruptionBudget.is);
    expect(budgets).toHaveLength(ROLES.length);
    for (const role of ROLES) {
      const other = ROLES.find((r) => r !== role) as string;
      const mine = budgets.filter((budget) =>
        selects(budget.spec?.selector?.matchLabels, deploymentOfRole(role).spec?.template.metadata?.labels),
      );
      expect(mine, role).toHaveLength(1);
      expect(
        selects(mine[0]?.spec?.selector?.matchLabels, deploymentOfRole(other).spec?.template.metadata?.labels),
      ).toBe(false);
      // With two replicas, one pod at a time may be evicted.
      expect(mine[0]?.spec?.maxUnavailable ?? 0).toBe(1);
    }
  });

  it('runs non-root on a read-only root filesystem, without privilege escalation or capabilities', () => {
    for (const role of ROLES) {
      const pod = deploymentOfRole(role).spec?.template.spec;
      expect(pod?.securityContext?.runAsNonRoot, role).toBe(true);
      expect(pod?.securityContext?.runAsUser, role).toBeGreaterThan(0);
      expect(pod?.automountServiceAccountToken, role).toBe(false);
      const container = containerOf(deploymentOfRole(role));
      expect(container.securityContext?.allowPrivilegeEscalation, role).toBe(false);
      expect(container.securityContext?.readOnlyRootFilesystem, role).toBe(true);
      expect(container.securityContext?.capabilities?.drop, role).toEqual(['ALL']);
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(pod?.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir, role).toBeDefined();
    }
  });

  it('gives every container resource requests and a memory limit, with the V8 heap capped below it', () => {
    for (const role of ROLES) {
      const resources = containerOf(deploymentOfRole(role)).resources;
      expect(resources?.requests?.cpu, role).toBeDefined();
      expect(resources?.requests?.memory, role).toBeDefined();
      expect(resources?.limits?.memory, role).toBeDefined();
      // The V8 heap ceiling stays below the container's memory limit (Mi), leaving room for the rest.
      const heapMb = Number(
        /--max-old-space-size=(\d+)/.exec(
          containerOf(deploymentOfRole(role)).env?.find((v) => v.name === 'NODE_OPTIONS')?.value ?? '',
        )?.[1],
      );
      expect(heapMb, role).toBeLessThan(Number(/^(\d+)Mi$/.exec(String(resources?.limits?.memory))?.[1]) * 0.75);
    }
  });

  it('lets a pod drain: the grace period outlasts the preStop sleep plus SHUTDOWN_TIMEOUT_MS', () => {
    const shutdownMs = Number(configMap().SHUTDOWN_TIMEOUT_MS ?? 8000);
    for (const role of ROLES) {
      const deployment = deploymentOfRole(role);
      const command = containerOf(deployment).lifecycle?.preStop?.exec?.command ?? [];
      const preStopMs = command[0] === 'sleep' ? Number(command[1]) * 1000 : 0;
      const graceMs = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      expect(graceMs, role).toBeGreaterThan(preStopMs + shutdownMs);
    }
    // The web pods wait for their removal from the Service's endpoints before stopping.
    expect(containerOf(deploymentOfRole('web')).lifecycle?.preStop?.exec?.command?.[0]).toBe('sleep');
  });

  it('reads its configuration from the ConfigMap and the Secret `greenlight`', () => {
    const configMapName = objectsOf(ConfigMap.is)[0]?.metadata?.name;
    for (const role of ROLES) {
      const sources = containerOf(deploymentOfRole(role)).envFrom ?? [];
      expect(sources.map((source) => source.configMapRef?.name).filter(Boolean), role).toEqual([configMapName]);
      expect(sources.map((source) => source.secretRef?.name).filter(Boolean), role).toEqual(['greenlight']);
    }
    expect(exampleSecret().metadata?.name).toBe('greenlight');
  });

  it('names only real configuration variables, each set in one place (ConfigMap, Secret or the Deployment)', () => {
    const inConfigMap = Object.keys(configMap());
    const inSecret = Object.keys(exampleSecret().stringData ?? {});
    const inDeployments = ROLES.flatMap((role) =>
      (containerOf(deploymentOfRole(role)).env ?? []).map((variable) => variable.name),
    );
    for (const name of [...inConfigMap, ...inSecret]) {
      expect(CONFIG_VARIABLES.has(name), `${name} is not a configuration variable`).toBe(true);
    }
    for (const name of inDeployments) {
      expect(CONFIG_VARIABLES.has(name) || NODE_VARIABLES.has(name), `${name} is not a configuration variable`).toBe(
        true,
      );
    }
    expect(inConfigMap.filter((name) => inSecret.includes(name))).toEqual([]);
    expect(inConfigMap.filter((name) => inDeployments.includes(name))).toEqual([]);
    expect(inSecret.filter((name) => inDeployments.includes(name))).toEqual([]);
  });

  it('keeps secrets in the Secret: the example holds each one, ENCRYPTION_KEY and DATABASE_URL included', () => {
    const inSecret = Object.keys(exampleSecret().stringData ?? {});
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
      'ENCRYPTION_KEY',
      'SERVICE_API_KEYS',
      'CALLBACK_SIGNING_SECRET',
    ]) {
      expect(inSecret, name).toContain(name);
    }
  });

  it('docs/guides/deployment.md describes every manifest of the folder and every key of the example Secret', () => {
    const guide = readFileSync(new URL('../../../docs/guides/deployment.md', import.meta.url), 'utf8');
    const section = guide.slice(guide.indexOf('### Kubernetes'), guide.indexOf('### Horizontal scaling'));
    // The table's first cells: | `deployment-web.yaml` | … and | `pdb-web.yaml`, `pdb-worker.yaml` | …
    const described = [...section.matchAll(/^\| ([^|]+)\|/gm)].flatMap(([, cell = '']) =>
      [...cell.matchAll(/`([a-z.-]+\.yaml)`/g)].map(([, file]) => file),
    );
    expect(described.sort()).toEqual(manifestFiles().filter((file) => file !== 'kustomization.yaml'));
    const start = section.indexOf('Create the Secret');
    const step = section.slice(start, section.indexOf('Use `secret.example.yaml`', start));
    const named = [...step.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name);
    expect(named.sort()).toEqual(Object.keys(exampleSecret().stringData ?? {}).sort());
  });

  it('boots config-wise with the ConfigMap and a filled-in Secret, for each role', () => {
    const secret = Object.fromEntries(
      Object.keys(exampleSecret().stringData ?? {}).map((name) => [name, VALID_SECRET_VALUES[name]]),
    );
    for (const [name, value] of Object.entries(secret)) expect(value, `a valid sample for ${name}`).toBeDefined();
    for (const role of ROLES) {
      const config = parseConfig(podEnvironment(role, secret as Record<string, string>));
      expect(config.ROLE).toBe(role);
      expect(config.PORT).toBe(SERVICE_PORT);
      expect(config.ENCRYPTION_KEY).toBeDefined();
    }
  });

  it('refuses to boot with the example Secret unedited, naming each placeholder it can recognise', () => {
    const placeholders = (exampleSecret().stringData ?? {}) as Record<string, string>;
    let problems: string[] = [];
    try {
      parseConfig(podEnvironment('web', placeholders));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'ENCRYPTION_KEY',
      'SERVICE_API_KEYS',
      'CALLBACK_SIGNING_SECRET',
    ]) {
      expect(
        problems.some((problem) => problem.startsWith(`${name} `)),
        `${name} in ${JSON.stringify(problems)}`,
      ).toBe(true);
    }
  });
});
