/**
 * The deployment files, checked without a Docker engine or a cluster: the Kubernetes
 * manifests against the Kubernetes schemas (kubernetes-models: types and required fields),
 * HAProxy's configuration by HAProxy itself (`haproxy -c`), the compose file read as YAML,
 * and the references between them (labels, probes, ports, secrets, grace periods).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from './config.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const k8sDir = join(root, 'docker/k8s');
const haproxyCfg = join(root, 'docker/haproxy.cfg');

const MODELS = { Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler } as const;
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; // biome-ignore lint/suspicious/noExplicitAny: manifests are walked freely; the schemas check their shape
  spec: any };

function manifests(): Manifest[] {
  return readdirSync(k8sDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(join(k8sDir, f), 'utf8')).map((doc) => doc.toJS() as Manifest));
}
const byKind = (kind: string) => manifests().find((m) => m.kind === kind)!;

describe('docker/k8s', () => {
  it('every manifest is valid against the Kubernetes schema of its kind', () => {
    const all = manifests();
    expect(all.map((m) => m.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
    for (const m of all) {
      const Model = MODELS[m.kind as keyof typeof MODELS];
      expect(Model.apiVersion, m.kind).toBe(m.apiVersion);
      expect(() => new Model(m as never).validate(), `${m.kind} ${m.metadata.name}`).not.toThrow();
    }
  });

  it('the schemas are really checked: a broken Deployment is refused', () => {
    const broken = structuredClone(byKind('Deployment'));
    broken.spec.replicas = 'three';
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas must be integer/);
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('Service, PodDisruptionBudget and autoscaler point at the Deployment and its port, with no affinity', () => {
    const deployment = byKind('Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(podLabels);
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(podLabels);
    expect(service.spec.sessionAffinity ?? 'None').toBe('None');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports.map((p: { name: string }) => p.name)).toContain(service.spec.ports[0].targetPort);
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(podLabels);
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('probes use the gateway’s health endpoints; the grace period covers preStop and the drain', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const container = pod.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    const config = loadConfig({ ...env, DATABASE_URL: 'postgres://u:p@db/x', SWITCHBOARD_SECRET_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` });
    const drainSeconds = config.shutdownTimeoutMs / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(container.lifecycle.preStop.sleep.seconds + drainSeconds);
    // Secrets come from a Secret, never inline.
    for (const name of ['DATABASE_URL', 'SWITCHBOARD_SECRET_KEYS', 'SWITCHBOARD_ADMIN_TOKEN']) {
      const entry = container.env.find((e: { name: string }) => e.name === name);
      expect(entry.value, name).toBeUndefined();
      expect(entry.valueFrom.secretKeyRef.name).toBe('switchboard');
    }
  });
});

function haproxyCheck(env: Record<string, string>): string {
  return execFileSync('haproxy', ['-c', '-f', haproxyCfg], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('docker/haproxy.cfg and the compose profile `ha`', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { profiles?: string[]; environment?: Record<string, string>; ports?: string[]; volumes?: string[]; networks?: { default: { ipv4_address: string } }; build?: unknown }>;
    networks: { default: { ipam: { config: { subnet: string }[] } } };
  };

  it('HAProxy accepts the configuration as the compose profile and the tests fill it in', () => {
    const haproxy = compose.services.haproxy!;
    expect(haproxyCheck(haproxy.environment!)).toMatch(/Configuration file is valid/);
    expect(haproxyCheck({ SWITCHBOARD_LB_BIND: '127.0.0.1:1', SWITCHBOARD_REPLICA_1: '127.0.0.1:2', SWITCHBOARD_REPLICA_2: '127.0.0.1:3', SWITCHBOARD_REPLICA_3: '127.0.0.1:4' })).toMatch(
      /Configuration file is valid/,
    );
  });

  it('balances round-robin with no stickiness and checks /readyz', () => {
    const cfg = readFileSync(haproxyCfg, 'utf8');
    expect(cfg).toMatch(/^\s*balance roundrobin$/m);
    expect(cfg).not.toMatch(/^\s*(cookie|stick|hash-type|balance (source|uri|hdr))/m);
    expect(cfg).toMatch(/http-check send meth GET uri \/readyz/);
  });

  it('runs three identical gateways behind HAProxy, which is their one trusted proxy', () => {
    const replicas = ['gateway', 'gateway-2', 'gateway-3'].map((name) => compose.services[name]!);
    for (const replica of replicas) {
      expect(replica.environment).toEqual(replicas[0]!.environment);
      expect(replica.build).toEqual(replicas[0]!.build);
    }
    expect(compose.services['gateway-2']!.profiles).toEqual(['ha']);
    const haproxy = compose.services.haproxy!;
    expect(haproxy.profiles).toEqual(['ha']);
    expect(haproxy.volumes).toContain('./docker/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const upstreams = Object.entries(haproxy.environment!).filter(([k]) => k.startsWith('SWITCHBOARD_REPLICA_'));
    expect(upstreams.map(([, v]) => v.split(':')[0]).sort()).toEqual(['gateway', 'gateway-2', 'gateway-3']);
    // Every replica address and the listening address the config reads are set.
    const read = [...readFileSync(haproxyCfg, 'utf8').matchAll(/\$\{(SWITCHBOARD_(?:REPLICA_\d|LB_BIND))-/g)].map((m) => m[1]);
    expect(Object.keys(haproxy.environment!).sort()).toEqual([...new Set(read)].sort());
    const lbAddress = haproxy.networks!.default.ipv4_address;
    expect(replicas[0]!.environment!.SWITCHBOARD_TRUSTED_PROXIES).toBe(lbAddress);
    expect(compose.networks.default.ipam.config[0]!.subnet).toBe('172.28.0.0/16');
  });
});
