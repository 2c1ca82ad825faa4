/**
 * The Kubernetes read-only proof. policy/clusterrole.yaml is the one statement of what eks-doctor
 * may do on a cluster; here every request a full collection makes is checked against it, and every
 * grant in it must be used (a role with surplus rights would not be least privilege).
 */
import { describe, expect, it } from 'vitest';
import { startKubernetesMock } from '../mocks/k8s-mock/api-server.js';
import { RequestLog, type RequestLogEntry } from '../mocks/request-log.js';
import { listScenarios, loadScenario } from '../mocks/bundled-scenarios.js';
import { KubernetesClient } from '../src/collect/kubernetes/client.js';
import { collectKubernetes, KUBERNETES_READS } from '../src/collect/kubernetes/collect-kubernetes.js';
import { eksTokenConnection } from '../src/collect/kubernetes/connection.js';
import { EksTokenSource } from '../src/collect/kubernetes/eks-token.js';
import type { KubernetesPart } from '../src/snapshot/types.js';
import { denialReason, expectKubernetesRequestsAllowed, loadClusterRole } from './support/cluster-role.js';

const credentials = { accessKeyId: 'AKIAEKSDOCTORMOCK000', secretAccessKey: 'eks-doctor-mock-secret' };
const ALL_PARTS = new Set(Object.keys(KUBERNETES_READS).map((k) => `kubernetes.${k}` as KubernetesPart));

function entry(method: string, path: string, kubernetes: RequestLogEntry['kubernetes']): RequestLogEntry {
  return { service: 'kubernetes', action: `${method} ${path}`, status: 200, startedAt: 0, endedAt: 0, ...(kubernetes ? { kubernetes } : {}) };
}

describe('policy/clusterrole.yaml', () => {
  const role = loadClusterRole();

  it('is a ClusterRole granting get and list only', () => {
    expect(role.kind).toBe('ClusterRole');
    for (const rule of role.rules) for (const verb of rule.verbs) expect(['get', 'list']).toContain(verb);
    expect(role.rules.flatMap((r) => r.resources ?? [])).not.toContain('secrets');
  });

  it('the checker refuses writes, watches, Secrets and ConfigMaps other than aws-auth', () => {
    const rules = role.rules;
    expect(denialReason(entry('POST', '/api/v1/namespaces/default/pods', { verb: 'create', resource: 'pods', group: '', namespace: 'default', query: '' }), rules)).toMatch(/not a GET/);
    expect(denialReason(entry('GET', '/api/v1/nodes', { verb: 'watch', resource: 'nodes', group: '', query: 'watch=true' }), rules)).toMatch(/watch/);
    expect(denialReason(entry('GET', '/api/v1/secrets', { verb: 'list', resource: 'secrets', group: '', query: '' }), rules)).toMatch(/no rule/);
    expect(denialReason(entry('GET', '/api/v1/namespaces/kube-system/configmaps/coredns', { verb: 'get', resource: 'configmaps', group: '', namespace: 'kube-system', name: 'coredns', query: '' }), rules)).toMatch(/no rule/);
    expect(denialReason(entry('GET', '/api/v1/namespaces/kube-system/configmaps', { verb: 'list', resource: 'configmaps', group: '', namespace: 'kube-system', query: '' }), rules)).toMatch(/no rule/);
    expect(denialReason(entry('GET', '/api', { verb: 'get', resource: '', group: '', nonResourceURL: '/api', query: '' }), rules)).toMatch(/no rule/);
    expect(denialReason(entry('GET', '/api/v1/namespaces/kube-system/configmaps/aws-auth', { verb: 'get', resource: 'configmaps', group: '', namespace: 'kube-system', name: 'aws-auth', query: '' }), rules)).toBeUndefined();
  });

  it('allows every request of a full collection from every scenario, and grants nothing more', async () => {
    const used = new Set<string>();
    for (const { name } of listScenarios()) {
      const scenario = loadScenario(name);
      const log = new RequestLog();
      const mock = await startKubernetesMock({ kubernetes: scenario.kubernetes, clusterName: scenario.cluster.name, credentials, log });
      try {
        const tokens = new EksTokenSource({ clusterName: scenario.cluster.name, region: scenario.cluster.region, credentials: async () => credentials });
        const client = new KubernetesClient(
          eksTokenConnection({ clusterName: scenario.cluster.name, endpoint: mock.url, certificateAuthorityData: mock.certificateAuthorityData, tokens }),
          { requestTimeoutMs: 10_000 },
        );
        await collectKubernetes({ parts: ALL_PARTS, client, now: () => new Date(scenario.capturedAt) });
      } finally {
        await mock.close();
      }
      expectKubernetesRequestsAllowed(log);
      for (const e of log.entries) {
        const k = e.kubernetes!;
        used.add(k.nonResourceURL ? `${k.verb} ${k.nonResourceURL}` : `${k.verb} ${k.group}/${k.resource}`);
      }
    }
    const granted = new Set(
      role.rules.flatMap((r) =>
        r.verbs.flatMap((verb) => (r.nonResourceURLs ? r.nonResourceURLs.map((u) => `${verb} ${u}`) : (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${verb} ${g}/${res}`)))),
      ),
    );
    expect([...granted].filter((g) => !used.has(g)), 'grants the tool never uses').toEqual([]);
    // One mock per scenario, each with freshly generated RSA keys: about a minute when the whole
    // suite shares two cores, so the default 60 s is not enough.
  }, 240_000);
});
