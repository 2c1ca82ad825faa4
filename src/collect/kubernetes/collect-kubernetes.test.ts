import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../engine/failure-text.js';
import { startKubernetesMock, type KubernetesMock } from '../../../mocks/k8s-mock/api-server.js';
import { RequestLog } from '../../../mocks/request-log.js';
import { expectKubernetesRequestsAllowed } from '../../../test/support/cluster-role.js';
import { kubernetesAsCollected } from '../../../test/support/kubernetes-as-collected.js';
import { listScenarios, loadScenario } from '../../../mocks/bundled-scenarios.js';
import { buildScaledCluster } from '../../../mocks/scenario-builder/scale.js';
import { sanitizePod } from '../../snapshot/sanitize.js';
import type { CollectionError, KubernetesPart, Snapshot } from '../../snapshot/types.js';
import { DEFAULT_PAGE_SIZE, KubernetesClient } from './client.js';
import { collectKubernetes, KUBERNETES_READS, NODE_PAGE_SIZE, POD_PAGE_SIZE } from './collect-kubernetes.js';
import { MAX_CRASH_LOOP_PODS } from '../../domain/kubelet-back-off.js';
import { podsCrashLooping } from '../../../mocks/faults/pod-start.js';
import { eksTokenConnection } from './connection.js';
import { EksTokenSource } from './eks-token.js';

const credentials = { accessKeyId: 'AKIAEKSDOCTORMOCK000', secretAccessKey: 'eks-doctor-mock-secret' };
const ALL_PARTS = new Set(Object.keys(KUBERNETES_READS).map((k) => `kubernetes.${k}` as KubernetesPart));

let mock: KubernetesMock | undefined;
afterEach(async () => {
  if (mock) expectKubernetesRequestsAllowed(mock.log);
  await mock?.close();
  mock = undefined;
});

function clientFor(m: KubernetesMock, clusterName: string, settings: { requestTimeoutMs?: number; pageSize?: number; tokenCluster?: string } = {}): KubernetesClient {
  const tokens = new EksTokenSource({ clusterName: settings.tokenCluster ?? clusterName, region: 'eu-west-1', credentials: async () => credentials });
  const connection = eksTokenConnection({ clusterName, endpoint: m.url, certificateAuthorityData: m.certificateAuthorityData, tokens });
  return new KubernetesClient(connection, { requestTimeoutMs: settings.requestTimeoutMs ?? 10_000 });
}

async function serve(snapshot: Snapshot, extra: Partial<Parameters<typeof startKubernetesMock>[0]> = {}): Promise<KubernetesMock> {
  mock = await startKubernetesMock({ kubernetes: snapshot.kubernetes, clusterName: snapshot.cluster.name, credentials, log: new RequestLog(), ...extra });
  return mock;
}

describe('Kubernetes collection from the mock API server', () => {
  for (const { name } of listScenarios()) {
    it(`round-trips the Kubernetes side of scenario ${name}`, async () => {
      const scenario = loadScenario(name);
      const m = await serve(scenario);
      const podIdentityServiceAccounts = Promise.resolve(
        (scenario.aws.podIdentityAssociations ?? []).map((a) => ({ namespace: a.namespace ?? '', name: a.serviceAccount ?? '' })),
      );
      const { kubernetes, errors } = await collectKubernetes({
        parts: ALL_PARTS,
        client: clientFor(m, scenario.cluster.name, { requestTimeoutMs: 2000 }),
        podIdentityServiceAccounts,
        // Event windows (the crash-looping pods) are measured at the scenario's time, as the mock cluster's collection does.
        now: () => new Date(scenario.capturedAt),
      });
      const { apiServer, ...collected } = kubernetes;
      const { apiServer: expectedAccess, ...expected } = scenario.kubernetes;
      if (expectedAccess?.reachable === false) {
        // A scenario whose API server could not be read: the same failure, recorded the same way.
        expect(apiServer).toMatchObject({ method: 'eks-token', server: m.url, reachable: false, failure: { kind: expectedAccess.failure!.kind } });
        const shape = (e: CollectionError) => ({ part: e.part, call: e.call, kind: e.kind, code: e.code });
        const expectedErrors = scenario.errors.filter((e) => e.part.startsWith('kubernetes.')).map(shape);
        expect(errors.filter((e) => expectedErrors.some((x) => x.part === e.part)).map(shape)).toEqual(expectedErrors);
        expect(collected).toEqual(expected);
        return;
      }
      expect(errors).toEqual([]);
      expect(apiServer).toEqual({ method: 'eks-token', server: m.url, reachable: true });
      expect(collected).toEqual(kubernetesAsCollected(expected));
      // Read-only and narrow: GETs only, and never every pod of the cluster.
      expect(m.log.entries.every((e) => e.action.startsWith('GET '))).toBe(true);
      const podLists = m.log.entries.filter((e) => e.kubernetes?.resource === 'pods' && e.kubernetes.verb === 'list');
      expect(podLists.every((e) => e.kubernetes?.namespace === 'kube-system' || e.kubernetes?.query.includes('fieldSelector'))).toBe(true);
    });
  }

  it('reads only the parts asked for', async () => {
    const m = await serve(loadScenario('baseline'));
    const { kubernetes } = await collectKubernetes({ parts: new Set<KubernetesPart>(['kubernetes.nodes']), client: clientFor(m, 'shop-prod') });
    expect(Object.keys(kubernetes).sort()).toEqual(['apiServer', 'nodes']);
    expect(m.log.entries.map((e) => e.action)).toEqual(['GET /version', 'GET /api/v1/nodes']);
  });

  it('follows continue tokens page by page', async () => {
    const scenario = loadScenario('baseline');
    const m = await serve(scenario);
    const client = clientFor(m, 'shop-prod');
    const pods = await client.list('/api/v1/namespaces/kube-system/pods', { pageSize: 4 });
    expect(pods).toEqual(scenario.kubernetes.kubeSystemPods);
    const pages = m.log.entries.filter((e) => e.action === 'GET /api/v1/namespaces/kube-system/pods');
    expect(pages.length).toBe(Math.ceil(scenario.kubernetes.kubeSystemPods!.length / 4));
  });

  it('projects each page as it arrives, before asking for the next', async () => {
    const scenario = loadScenario('baseline');
    const m = await serve(scenario);
    const pagesAskedWhenProjected: number[] = [];
    const pagesAsked = () => m.log.entries.filter((e) => e.action === 'GET /api/v1/namespaces/kube-system/pods').length;
    const names = await clientFor(m, 'shop-prod').list('/api/v1/namespaces/kube-system/pods', { pageSize: 4 }, (pod: { metadata?: { name?: string } }) => {
      pagesAskedWhenProjected.push(pagesAsked());
      return pod.metadata?.name;
    });
    expect(names).toEqual(scenario.kubernetes.kubeSystemPods!.map((p) => p.metadata?.name));
    // Item i is on page floor(i / 4) + 1: projected once that page had answered and no later page was asked for.
    expect(pagesAskedWhenProjected).toEqual(names.map((_, i) => Math.floor(i / 4) + 1));
    expect(pagesAsked()).toBeGreaterThan(2);
  });

  it(`lists pods ${POD_PAGE_SIZE} and Nodes ${NODE_PAGE_SIZE} to a page: a 1,000-node cluster's kube-system pods in 3 pages, not 9`, async () => {
    const scenario = buildScaledCluster(1000);
    const m = await serve(scenario);
    const parts = new Set<KubernetesPart>(['kubernetes.kubeSystemPods', 'kubernetes.problemPods', 'kubernetes.nodes']);
    const { kubernetes, errors } = await collectKubernetes({ parts, client: clientFor(m, scenario.cluster.name) });
    expect(errors).toEqual([]);
    expect(kubernetes.kubeSystemPods).toEqual(scenario.kubernetes.kubeSystemPods!.map(sanitizePod));
    const served = scenario.kubernetes.kubeSystemPods!.length;
    expect(served).toBeGreaterThan(2 * POD_PAGE_SIZE);
    const pages = m.log.entries.filter((e) => e.action === 'GET /api/v1/namespaces/kube-system/pods');
    expect(pages.length).toBe(Math.ceil(served / POD_PAGE_SIZE));
    expect(pages.every((e) => new URLSearchParams(e.kubernetes!.query).get('limit') === String(POD_PAGE_SIZE))).toBe(true);
    // Pods not running come from every namespace, where a pod can be far bigger: the default page.
    const problemPages = m.log.entries.filter((e) => e.action === 'GET /api/v1/pods');
    expect(problemPages.map((e) => new URLSearchParams(e.kubernetes!.query).get('limit'))).toEqual([String(DEFAULT_PAGE_SIZE)]);
    const nodePages = m.log.entries.filter((e) => e.action === 'GET /api/v1/nodes');
    expect(scenario.kubernetes.nodes!.length).toBeGreaterThan(NODE_PAGE_SIZE);
    expect(nodePages.length).toBe(Math.ceil(scenario.kubernetes.nodes!.length / NODE_PAGE_SIZE));
    expect(kubernetes.nodes?.length).toBe(scenario.kubernetes.nodes!.length);
  });

  it(`reads at most ${MAX_CRASH_LOOP_PODS} crash-looping pods by name however many crash, from the one Warning events list it shares`, async () => {
    const scenario = loadScenario('baseline');
    podsCrashLooping(scenario, { namespace: 'batch', app: 'worker', serviceAccount: 'worker', count: MAX_CRASH_LOOP_PODS + 30, exitCode: 1, reason: 'Error' });
    // One of them was deleted since its event: left out, not a failure.
    scenario.kubernetes.crashLoopPods!.splice(0, 1);
    const m = await serve(scenario);
    const parts = new Set<KubernetesPart>(['kubernetes.warningEvents', 'kubernetes.crashLoopPods']);
    const { kubernetes, errors } = await collectKubernetes({ parts, client: clientFor(m, scenario.cluster.name), now: () => new Date(scenario.capturedAt) });
    expect(errors).toEqual([]);
    const gets = m.log.entries.filter((e) => /^GET \/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+$/.test(e.action));
    expect(gets).toHaveLength(MAX_CRASH_LOOP_PODS);
    expect(kubernetes.crashLoopPods).toHaveLength(MAX_CRASH_LOOP_PODS - 1);
    expect(m.log.entries.filter((e) => e.action === 'GET /api/v1/events')).toHaveLength(1);
  });

  it('the crash-looping pods, found through the Warning events, name the events list as what to grant when it is denied', async () => {
    const m = await serve(loadScenario('crash-loop-oom-killed'), { forbidden: ['list events'] });
    const parts = new Set<KubernetesPart>(['kubernetes.warningEvents', 'kubernetes.crashLoopPods']);
    const { errors } = await collectKubernetes({ parts, client: clientFor(m, 'shop-prod') });
    const events = { call: 'GET /api/v1/events?fieldSelector=type=Warning', kind: 'denied', permission: 'list events --all-namespaces' };
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ part: 'kubernetes.warningEvents', ...events }), expect.objectContaining({ part: 'kubernetes.crashLoopPods', ...events })]));
  });

  it('records a 403 as a denied part with the RBAC permission to grant, and reads the rest', async () => {
    const m = await serve(loadScenario('baseline'), { forbidden: ['list nodes'] });
    const { kubernetes, errors } = await collectKubernetes({ parts: ALL_PARTS, client: clientFor(m, 'shop-prod') });
    expect(errors).toEqual([
      expect.objectContaining({ part: 'kubernetes.nodes', call: 'GET /api/v1/nodes', kind: 'denied', code: 'HTTP 403', permission: 'list nodes', httpStatus: 403 }),
    ]);
    expect(kubernetes.nodes).toBeUndefined();
    expect(kubernetes.kubeSystemPods?.length).toBeGreaterThan(0);
  });

  it('a token for another cluster is refused with 401, and nothing else is tried', async () => {
    const m = await serve(loadScenario('baseline'));
    const { kubernetes, errors } = await collectKubernetes({ parts: ALL_PARTS, client: clientFor(m, 'shop-prod', { tokenCluster: 'other-cluster' }) });
    expect(kubernetes.apiServer).toMatchObject({ reachable: false, failure: { kind: 'unauthorized', httpStatus: 401 } });
    expect(errors.length).toBe(ALL_PARTS.size);
    expect(errors.every((e) => e.kind === 'unauthorized')).toBe(true);
    expect(m.log.entries.map((e) => e.action)).toEqual(['GET /version']);
  });

  const degradations = [
    { fault: 'refuse', kind: 'unreachable' },
    { fault: 'hang', kind: 'timeout' },
    { fault: 'unauthorized', kind: 'unauthorized' },
    { fault: 'wrong-ca', kind: 'tls' },
  ] as const;
  for (const { fault, kind } of degradations) {
    it(`an API server that is '${fault}' is reported as ${kind}`, async () => {
      const m = await serve(loadScenario('baseline'), { fault });
      const { kubernetes, errors } = await collectKubernetes({ parts: ALL_PARTS, client: clientFor(m, 'shop-prod', { requestTimeoutMs: 1500 }) });
      expect(kubernetes.apiServer).toMatchObject({ method: 'eks-token', reachable: false, failure: { kind } });
      expect(errors.map((e) => e.part).sort()).toEqual([...ALL_PARTS].sort());
      expect(new Set(errors.map((e) => e.kind))).toEqual(new Set([kind]));
      // GET /version failed itself; the others were never made, and say so instead of repeating its failure as theirs.
      for (const e of errors) {
        if (e.call === 'GET /version') expect(e.notAttempted).toBeUndefined();
        else expect(describeFailure(e)).toMatch(new RegExp(`^${e.call.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not attempted \\(GET /version failed \\(`));
      }
    });
  }

  it('without a connection, says why and records every part as not attempted', async () => {
    const { kubernetes, errors } = await collectKubernetes({ parts: new Set<KubernetesPart>(['kubernetes.nodes']), client: undefined, unavailable: { message: 'DescribeCluster failed' } });
    expect(kubernetes.apiServer).toEqual({ method: 'none', reachable: false, failure: { kind: 'not-configured', message: 'DescribeCluster failed' } });
    expect(errors).toEqual([expect.objectContaining({ part: 'kubernetes.nodes', code: 'NotConfigured', notAttempted: true, message: 'DescribeCluster failed' })]);
    expect(describeFailure(errors[0]!)).toBe('GET /api/v1/nodes was not attempted (DescribeCluster failed)');
  });
});
