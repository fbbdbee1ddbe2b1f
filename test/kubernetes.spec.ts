import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config/app-config.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, 'deploy/kubernetes');

type Manifest = Record<string, any>;

const manifests: Array<Manifest & { file: string }> = readdirSync(dir)
  .filter((file) => /\.ya?ml$/.test(file))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(resolve(dir, file), 'utf8')).map((document) => {
      expect(document.errors, file).toEqual([]);
      return { ...(document.toJS() as Manifest), file };
    }),
  )
  .filter((manifest) => manifest.kind);

const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const deployments = ofKind('Deployment');
const containers = deployments.flatMap((deployment) => deployment.spec.template.spec.containers.map((container: Manifest) => ({ deployment, container })));
const configMap = ofKind('ConfigMap')[0];
const secret = ofKind('Secret')[0];

/** The value a container sees for a variable: its own env first, then the ConfigMap. */
function envValue(container: Manifest, name: string): string | undefined {
  const own = (container.env ?? []).find((entry: Manifest) => entry.name === name);
  if (own) return own.value;
  return configMap?.data?.[name];
}

describe('deploy/kubernetes manifests (docs/observability.md)', () => {
  it('has an api and a worker Deployment, a Service, a Secret template, a ConfigMap and a worker autoscaler', () => {
    const roles = containers.map(({ container }) => envValue(container, 'APP_ROLE')).sort();
    expect(roles).toEqual(['api', 'worker']);
    expect(ofKind('Service')).toHaveLength(1);
    expect(secret).toBeDefined();
    expect(configMap).toBeDefined();
    const hpa = ofKind('HorizontalPodAutoscaler');
    expect(hpa).toHaveLength(1);
    const worker = deployments.find((deployment) => deployment.spec.template.spec.containers.some((container: Manifest) => envValue(container, 'APP_ROLE') === 'worker'))!;
    expect(hpa[0].spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: worker.metadata.name });
  });

  it('gives pods more time to stop than the app needs to drain', () => {
    const graceMs = Number(configMap.data.SHUTDOWN_GRACE_MS ?? loadConfig({}).shutdownGraceMs);
    expect(graceMs).toBeGreaterThan(0);
    for (const { deployment, container } of containers) {
      const preStop = container.lifecycle?.preStop?.exec?.command;
      const pauseMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      // main.ts exits on its own at most 5 s after the grace period.
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000, deployment.metadata.name).toBeGreaterThan(pauseMs + graceMs + 5000);
    }
  });

  it('sets resources, runs as non-root, and reaches secrets only through the Secret', () => {
    for (const { deployment, container } of containers) {
      const name = deployment.metadata.name;
      expect(container.resources?.requests?.cpu, name).toBeDefined();
      expect(container.resources?.requests?.memory, name).toBeDefined();
      expect(container.resources?.limits?.memory, name).toBeDefined();
      expect(deployment.spec.template.spec.securityContext?.runAsNonRoot, name).toBe(true);
      expect(deployment.spec.template.spec.securityContext?.runAsUser, name).not.toBe(0);
      const sources = (container.envFrom ?? []).map((source: Manifest) => source.secretRef?.name ?? source.configMapRef?.name);
      expect(sources, name).toEqual(expect.arrayContaining([secret.metadata.name, configMap.metadata.name]));
      for (const secretName of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEY', 'ADMIN_API_KEY']) {
        expect(configMap.data[secretName], `${secretName} must not sit in the ConfigMap`).toBeUndefined();
        expect((container.env ?? []).some((entry: Manifest) => entry.name === secretName && 'value' in entry), name).toBe(false);
      }
    }
  });

  it('ships the Secret as a template with placeholders only', () => {
    expect(Object.keys(secret.stringData).sort()).toEqual(expect.arrayContaining(['ADMIN_API_KEY', 'DATABASE_URL', 'ENCRYPTION_KEY', 'REDIS_URL']));
    for (const [key, value] of Object.entries<string>(secret.stringData)) expect(value, key).toMatch(/^REPLACE_ME/);
    const kustomization = ofKind('Kustomization')[0];
    expect(kustomization.resources).not.toContain(secret.file);
    for (const file of kustomization.resources) expect(manifests.some((manifest) => manifest.file === file), file).toBe(true);
  });

  it('names only variables the app reads (docs/configuration.md or src/config/app-config.ts)', () => {
    const readme = readFileSync(resolve(root, 'docs/configuration.md'), 'utf8');
    const appConfig = readFileSync(resolve(root, 'src/config/app-config.ts'), 'utf8');
    const names = new Set<string>([...Object.keys(configMap.data), ...Object.keys(secret.stringData)]);
    for (const { container } of containers) for (const entry of container.env ?? []) names.add(entry.name);
    expect(names.size).toBeGreaterThan(8);
    for (const name of names) {
      const known = appConfig.includes(`'${name}'`) || readme.includes(`| \`${name}\` |`);
      expect(known, `${name} is not a configuration variable of the app`).toBe(true);
    }
  });

  it('routes the Service to the api pods on their container port', () => {
    const service = ofKind('Service')[0];
    const api = deployments.find((deployment) => deployment.spec.template.spec.containers.some((container: Manifest) => envValue(container, 'APP_ROLE') === 'api'))!;
    const podLabels = api.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(service.spec.selector)) expect(podLabels[key]).toBe(value);
    expect(api.spec.selector.matchLabels).toEqual(expect.objectContaining(service.spec.selector));
    const ports = api.spec.template.spec.containers[0].ports;
    for (const port of service.spec.ports) expect(ports.some((candidate: Manifest) => candidate.name === port.targetPort || candidate.containerPort === port.targetPort)).toBe(true);
  });

  describe('probes', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('point at routes the app serves, on the port it listens on', async () => {
      const probes = containers.flatMap(({ container }) =>
        ['livenessProbe', 'readinessProbe', 'startupProbe'].filter((kind) => container[kind]).map((kind) => ({ kind, container, get: container[kind].httpGet })),
      );
      expect(probes.filter((probe) => probe.kind === 'livenessProbe')).toHaveLength(containers.length);
      expect(probes.filter((probe) => probe.kind === 'readinessProbe')).toHaveLength(containers.length);
      for (const { kind, container, get } of probes) {
        const port = container.ports.find((candidate: Manifest) => candidate.name === get.port || candidate.containerPort === get.port);
        expect(port, `${container.name} ${kind} port`).toBeDefined();
        expect(String(port.containerPort)).toBe(envValue(container, 'PORT') ?? String(loadConfig({}).port));
        await t.http.get(get.path).expect(200);
      }
      expect(probes.find((probe) => probe.kind === 'livenessProbe')!.get.path).toBe('/health/live');
      expect(probes.find((probe) => probe.kind === 'readinessProbe')!.get.path).toBe('/health/ready');
    });
  });
});
