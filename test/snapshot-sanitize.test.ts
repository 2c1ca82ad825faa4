import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { listScenarios, loadScenario } from '../mocks/bundled-scenarios.js';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { SharedStrings, sanitizeLaunchTemplateVersion, sanitizeNode, sanitizePod, sanitizeProblemPod, sanitizeWorkload, stripKubernetesMetadata } from '../src/snapshot/sanitize.js';
import { kubernetesAsCollected } from './support/kubernetes-as-collected.js';
import { hiddenClassCount, layoutCount } from './support/hidden-classes.js';
import { buildScaledCluster } from '../mocks/scenario-builder/scale.js';

describe('snapshot sanitising keeps secrets and bulk out', () => {
  it('keeps of a pod only its projection: no env, no managedFields, no annotations, no volumes', () => {
    const pod = sanitizePod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'kube-system', uid: 'u-1', resourceVersion: '7', labels: { 'k8s-app': 'aws-node' }, annotations: { note: 'x' }, managedFields: [{ manager: 'kubectl' }], ownerReferences: [{ kind: 'DaemonSet', name: 'aws-node' }] },
      spec: {
        nodeName: 'n1',
        hostNetwork: true,
        volumes: [{ name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } }],
        tolerations: [{ operator: 'Exists' }],
        containers: [{ name: 'c', image: 'i:1', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }], volumeMounts: [{ name: 'v', mountPath: '/v' }] }],
        initContainers: [{ name: 'init', image: 'i:0', env: [{ name: 'X', value: 'secret-x' }] }],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.1.5',
        qosClass: 'Burstable',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [{ name: 'c', ready: false, restartCount: 3, imageID: 'sha256:abc', containerID: 'containerd://1', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
      },
    });
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'kube-system', labels: { 'k8s-app': 'aws-node' }, ownerReferences: [{ kind: 'DaemonSet', name: 'aws-node' }] },
      spec: { nodeName: 'n1', hostNetwork: true, containers: [{ name: 'c', image: 'i:1' }], initContainers: [{ name: 'init', image: 'i:0' }] },
      status: {
        phase: 'Running',
        podIP: '10.0.1.5',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [{ name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
      },
    });
  });

  it('a pod without spec or status stays without them', () => {
    expect(sanitizePod({ metadata: { name: 'p' } })).toEqual({ metadata: { name: 'p' } });
  });

  // A live run's pods come through these projections, a saved snapshot's straight from JSON.parse.
  // Built as `{ ...parsed, extra }`, every projected pod had a hidden class of its own (Node 20), and
  // checks looping over thousands of them read each field the slow way: the 5,000-node live run's
  // checks phase took 12.5 s against 1.1 s for the same pods read from a file (docs/performance.md).
  it.each([
    ['kube-system pods', 'kubeSystemPods', sanitizePod],
    ['problem pods', 'problemPods', sanitizeProblemPod],
  ] as const)('projected %s share their hidden classes as parsed ones do', (_name, part, project) => {
    const fromTheWire = JSON.parse(JSON.stringify(buildScaledCluster(100, { workload: {} }).kubernetes[part])) as Record<string, unknown>[];
    const projected = fromTheWire.map((pod) => project(pod) as Record<string, object>);
    expect(projected.length).toBeGreaterThan(60);
    for (const level of [undefined, 'metadata', 'spec', 'status']) {
      const objects = projected.map((pod) => (level ? pod[level]! : pod));
      expect(hiddenClassCount(objects), level ?? 'pod').toBeLessThanOrEqual(layoutCount(objects));
    }
  });

  // The projections' safety net: every scenario (the faults included) diagnoses exactly the same
  // with its objects projected as the collector projects them (pods, owners, KIND_FIELDS), so
  // nothing a check or its evidence reads was dropped.
  it.each(listScenarios())('scenario $name diagnoses the same with its objects projected as collected', async ({ name }) => {
    const scenario = loadScenario(name);
    const projected = { ...scenario, kubernetes: kubernetesAsCollected(scenario.kubernetes) };
    const diagnostics = await loadDiagnostics();
    const generatedAt = new Date(scenario.capturedAt);
    const [full, lean] = await Promise.all([scenario, projected].map((s) => diagnoseSnapshot(s, { diagnostics, toolVersion: 'test', generatedAt })));
    // Timings differ from run to run; everything else must not.
    const withoutTimings = (report: unknown) => JSON.parse(JSON.stringify(report, (key, value: unknown) => (key === 'durationMs' ? undefined : value)));
    expect(withoutTimings(lean)).toEqual(withoutTimings(full));
  });

  it('drops env values in workload templates and init containers', () => {
    const ds = sanitizeWorkload({ metadata: { name: 'aws-node' }, spec: { template: { metadata: {}, spec: { containers: [], initContainers: [{ name: 'init', env: [{ name: 'X', value: 'secret-x' }] }] } } } });
    expect(JSON.stringify(ds)).not.toContain('secret-x');
  });

  it("keeps the values of the VPC CNI's mode switches only", () => {
    const ds = sanitizeWorkload({
      metadata: { name: 'aws-node' },
      spec: { template: { metadata: {}, spec: { containers: [{ name: 'aws-node', env: [{ name: 'ENABLE_PREFIX_DELEGATION', value: 'true' }, { name: 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', value: 'false' }, { name: 'HTTPS_PROXY', value: 'http://user:secret-y@proxy:3128' }] }] } } },
    });
    expect(ds.spec.template.spec.containers[0]!.env).toEqual([{ name: 'ENABLE_PREFIX_DELEGATION', value: 'true' }, { name: 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', value: 'false' }, { name: 'HTTPS_PROXY' }]);
  });

  it('drops node images and launch-template user data', () => {
    expect(sanitizeNode({ metadata: { name: 'n' }, status: { images: [{ names: ['a'] }], conditions: [] } }).status).toEqual({ conditions: [] });
    const lt = sanitizeLaunchTemplateVersion({ LaunchTemplateData: { UserData: 'IyEvYmluL2Jhc2gKZXhwb3J0IFNFQ1JFVD0x', ImageId: 'ami-1' } });
    expect(lt.LaunchTemplateData).toEqual({ ImageId: 'ami-1' });
  });

  it('drops the last-applied annotation, a full copy of the object', () => {
    const cm = stripKubernetesMetadata({ metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"secret":1}', keep: 'me' } } });
    expect(cm.metadata.annotations).toEqual({ keep: 'me' });
  });
});

describe('SharedStrings: one copy of each string a list repeats', () => {
  it('changes no value, keeps the objects and their shape', () => {
    const wire = JSON.stringify([0, 1, 2].map((i) => ({ metadata: { name: `aws-node-${i}`, namespace: 'kube-system', labels: { 'k8s-app': 'aws-node' } }, spec: { containers: [{ name: 'aws-node', image: 'amazon-k8s-cni:v1.21.1' }] }, tags: ['a', 'b', i], n: i, on: true, none: null })));
    const items = JSON.parse(wire) as object[];
    const strings = new SharedStrings();
    for (const item of items) expect(strings.share(item)).toBe(item);
    expect(JSON.stringify(items)).toBe(wire);
    expect(Object.keys(items[2]!)).toEqual(['metadata', 'spec', 'tags', 'n', 'on', 'none']);
  });

  // JSON.parse gives each object its own copy of every string value; shared, a list's repeated
  // values take the memory of one. Heap after a full collection: margins of tens of MB either way.
  it('the strings repeated across parsed objects take the memory of one copy', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const usedAfterGc = () => {
      gc();
      return getHeapStatistics().used_heap_size;
    };
    const image = 'x'.repeat(20_000);
    const wire = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => ({ name: `pod-${i}`, containers: [{ image }] })));
    const before = usedAfterGc();
    const parsed = JSON.parse(wire) as object[];
    const unshared = usedAfterGc() - before;
    const strings = new SharedStrings();
    for (const item of parsed) strings.share(item);
    const shared = usedAfterGc() - before;
    expect(parsed.length).toBe(1_000);
    expect(unshared).toBeGreaterThan(15_000_000); // 1,000 copies of 20 KB
    expect(shared).toBeLessThan(3_000_000); // one copy, the table's entries, the objects
  });
});

describe('managedFields kept for the change history', () => {
  it('aws-auth, the add-ons\' workloads and webhook configurations keep manager, operation and time, never the fields or status writes', async () => {
    const { keepChangeManagers, sanitizeWorkload, stripKubernetesMetadata } = await import('../src/snapshot/sanitize.js');
    const managedFields = [
      { manager: 'eksctl', operation: 'Update', apiVersion: 'v1', time: '2026-10-11T03:12:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:mapRoles': {} } } },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', time: '2026-11-20T00:07:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:mapRoles': {} } } },
      { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-11-20T03:11:00Z', fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': {} } },
    ];
    const kept = [
      { manager: 'eksctl', operation: 'Update', time: '2026-10-11T03:12:00Z' },
      { manager: 'kubectl-edit', operation: 'Update', time: '2026-11-20T00:07:00Z' },
    ];
    const object = { metadata: { name: 'aws-auth', namespace: 'kube-system', managedFields }, data: { mapRoles: '' } };
    expect(keepChangeManagers(object).metadata.managedFields).toEqual(kept);
    expect(sanitizeWorkload({ ...object, spec: {} }).metadata.managedFields).toEqual(kept);
    // Everything else still drops them.
    expect('managedFields' in stripKubernetesMetadata(object).metadata).toBe(false);
  });
});
