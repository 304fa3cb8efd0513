import { readdirSync, readFileSync } from 'node:fs';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ZConfig } from '../../../src/config/index.ts';

/** The folder `kubectl apply -k` reads. */
export const KUBERNETES_DIR = new URL('../../../deploy/kubernetes/', import.meta.url);

/** Every variable the service reads: what a manifest may set in a container's environment. */
export const CONFIG_VARIABLES: ReadonlySet<string> = new Set(Object.keys(ZConfig.shape));

/** One YAML document of a manifest file, as plain data. */
export interface TManifestObject {
  file: string;
  object: unknown;
}

/** The YAML files of deploy/kubernetes, sorted. */
export function manifestFiles(): string[] {
  return readdirSync(KUBERNETES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

/** Parses a manifest file as a YAML stream (several documents allowed); throws on a YAML error. */
export function readManifest(file: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(new URL(file, KUBERNETES_DIR), 'utf8'));
  const parsed = Array.from(documents);
  for (const document of parsed) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
  }
  return parsed.map((document) => document.toJS() as unknown).filter((object) => object !== null);
}

/** Every Kubernetes object under deploy/kubernetes (the Kustomization file aside), with its file. */
export function kubernetesObjects(): TManifestObject[] {
  return manifestFiles()
    .filter((file) => file !== 'kustomization.yaml')
    .flatMap((file) => readManifest(file).map((object) => ({ file, object })));
}

/**
 * Validates one object against the schema of its apiVersion and kind (kubernetes-models, generated
 * from Kubernetes' OpenAPI); throws on a schema violation or a kind this project does not ship.
 * The schemas check types, formats and required fields; like the API server's non-strict mode,
 * they let unknown fields through.
 */
export function validateObject(object: unknown): void {
  if (Deployment.is(object)) new Deployment(object).validate();
  else if (Service.is(object)) new Service(object).validate();
  else if (ConfigMap.is(object)) new ConfigMap(object).validate();
  else if (Secret.is(object)) new Secret(object).validate();
  else if (ServiceAccount.is(object)) new ServiceAccount(object).validate();
  else if (PodDisruptionBudget.is(object)) new PodDisruptionBudget(object).validate();
  else if (Ingress.is(object)) new Ingress(object).validate();
  else throw new Error(`no schema for ${JSON.stringify(object).slice(0, 120)}`);
}

/** The objects of one kind, typed by its guard. */
export function objectsOf<T>(guard: (value: unknown) => value is T): T[] {
  return kubernetesObjects()
    .map(({ object }) => object)
    .filter(guard);
}

/** The Deployment whose container runs with ROLE=`role`. */
export function deploymentOfRole(role: string): IDeployment {
  const found = objectsOf(Deployment.is).filter((deployment) =>
    deployment.spec?.template.spec?.containers.some((container) =>
      container.env?.some((variable) => variable.name === 'ROLE' && variable.value === role),
    ),
  );
  if (found.length !== 1) throw new Error(`expected one Deployment with ROLE=${role}, found ${found.length}`);
  return found[0] as IDeployment;
}

/** True when every `matchLabels` pair is among `labels` (what a selector of matchLabels means). */
export function selects(matchLabels: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  if (matchLabels === undefined || Object.keys(matchLabels).length === 0) return false;
  return Object.entries(matchLabels).every(([key, value]) => labels?.[key] === value);
}
