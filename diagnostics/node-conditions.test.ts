import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { BATCH_ASG, MANAGED_NODEGROUP } from '../mocks/scenario-builder/baseline.js';
import { asgNodes, daemonPod, faults, instanceIdOf, nodeName, nodegroupNodes, setCniNotReady, setKubeletSilent } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import nodeConditions from './node-conditions.js';

function withFault(name: string, base?: Snapshot): Snapshot {
  return mutate((s) => faults.find((f) => f.name === name)!.apply(s), base);
}

const baseline = mutate(() => {});
const general = nodegroupNodes(baseline).map(nodeName);
const batch = asgNodes(baseline, BATCH_ASG).map(nodeName);
const batchInstance = instanceIdOf(asgNodes(baseline, BATCH_ASG)[0]!);

describeDiagnostic(nodeConditions, {
  healthy: [
    { name: 'baseline: every node Ready', snapshot: baseline },
    {
      name: 'a crashing aws-node on a Ready node is not this check\'s business',
      snapshot: mutate((s) => {
        daemonPod(s, 'aws-node', general[0]!).status!.containerStatuses![0]!.ready = false;
      }),
    },
  ],
  broken: [
    {
      name: 'aws-node crashing on two nodes: each NotReady, one CNI cause for both',
      snapshot: withFault('general-aws-node-crashloop'),
      expect: [
        { id: 'node-conditions/node-not-ready', resource: general[0], mentions: 'aws-node' },
        { id: 'node-conditions/node-not-ready', resource: general[1] },
        { id: 'node-conditions/cni-not-running', resource: 'kube-system/aws-node', canExplain: ['node-not-ready', 'pod-without-ip', 'addon-unhealthy'] },
      ],
    },
    {
      name: 'kube-proxy image pull failure: kube-proxy is the cause, not the aws-node it starves',
      snapshot: withFault('batch-kube-proxy-image-pull'),
      expect: [
        { id: 'node-conditions/node-not-ready', resource: batch[0], mentions: 'kube-proxy' },
        { id: 'node-conditions/node-not-ready', resource: batch[1] },
        { id: 'node-conditions/kube-proxy-not-running', resource: 'kube-system/kube-proxy' },
      ],
    },
    {
      name: 'instance stopped: kubelet silent, instance state is the cause',
      snapshot: withFault('batch-instance-stopped'),
      expect: [
        // Its not-ready/unreachable taint holds the pods that would run there: unschedulable-pods names this node on them.
        { id: 'node-conditions/node-not-ready', resource: batch[0], mentions: 'stopped', canExplain: ['pod-unschedulable'] },
        { id: 'node-conditions/instance-not-running', resource: batchInstance },
      ],
    },
    {
      name: 'kubelet stopped posting status, instance running',
      snapshot: mutate((s) => setKubeletSilent(s, s.kubernetes.nodes!.find((n) => nodeName(n) === general[2])!)),
      expect: [{ id: 'node-conditions/node-not-ready', resource: general[2], mentions: 'stopped posting node status' }],
    },
    {
      name: 'CNI not initialised though aws-node looks healthy',
      snapshot: mutate((s) => setCniNotReady(s, s.kubernetes.nodes!.find((n) => nodeName(n) === general[2])!)),
      expect: [{ id: 'node-conditions/node-not-ready', resource: general[2], mentions: 'container runtime network not ready' }],
    },
    {
      name: 'aws-node pod missing from a NotReady node',
      snapshot: mutate((s) => {
        setCniNotReady(s, s.kubernetes.nodes!.find((n) => nodeName(n) === general[2])!);
        s.kubernetes.kubeSystemPods = s.kubernetes.kubeSystemPods!.filter((p) => p !== daemonPod(s, 'aws-node', general[2]!));
      }),
      expect: [
        { id: 'node-conditions/node-not-ready', resource: general[2] },
        { id: 'node-conditions/cni-not-running', resource: general[2] },
      ],
    },
    {
      name: 'Ready node under disk pressure: warning, not a symptom',
      snapshot: withFault('general-node-disk-pressure'),
      expect: [{ id: 'node-conditions/node-pressure', resource: general[2], severity: 'warning' as const, mentions: 'DiskPressure', canExplain: ['pod-unschedulable'] }],
    },
  ],
  errors: [
    failedPart('nodes could not be listed', { part: 'kubernetes.nodes', call: 'GET /api/v1/nodes', kind: 'denied', code: 'HTTP 403', message: 'nodes is forbidden', permission: 'list nodes', httpStatus: 403 }, 'GET /api/v1/nodes'),
  ],
});

describe('node-conditions details', () => {
  it('a NotReady node names its instance, subnet, Auto Scaling group and node group so causes can scope to it', () => {
    const findings = runDiagnostic(nodeConditions, withFault('general-aws-node-crashloop'));
    const symptom = findings.find((f) => f.id === 'node-conditions/node-not-ready' && f.resources[0]!.id === general[0])!;
    expect(symptom.symptom).toBe('node-not-ready');
    expect(symptom.resources.map((r) => r.type)).toEqual(['k8s:Node', 'aws:ec2:instance', 'aws:ec2:subnet', 'aws:autoscaling:group', 'aws:eks:nodegroup']);
    expect(symptom.resources).toContainEqual({ type: 'aws:eks:nodegroup', id: MANAGED_NODEGROUP });
    expect(symptom.evidence.join('\n')).toContain('CrashLoopBackOff');
    expect(symptom.fix.commands).toContain(`kubectl logs -n kube-system ${daemonPod(baseline, 'aws-node', general[0]!).metadata!.name} -c aws-node --previous --tail=50`);
  });

  it('the CNI cause is scoped to exactly the NotReady nodes it covers', () => {
    const cause = runDiagnostic(nodeConditions, withFault('general-aws-node-crashloop')).find((f) => f.id === 'node-conditions/cni-not-running')!;
    const nodeScope = cause.canExplain!.find((s) => s.symptom === 'node-not-ready')!.resources!.filter((r) => r.type === 'k8s:Node').map((r) => r.id);
    expect(nodeScope).toEqual([general[0], general[1]]);
    expect(cause.canExplain!.find((s) => s.symptom === 'addon-unhealthy')!.resources).toEqual([{ type: 'k8s:DaemonSet', id: 'kube-system/aws-node' }]);
  });

  it('without kube-system pods, says the CNI and kube-proxy pods could not be checked', () => {
    const snapshot = withFault('general-aws-node-crashloop');
    delete snapshot.kubernetes.kubeSystemPods;
    const findings = runDiagnostic(nodeConditions, snapshot);
    expect(findings.map((f) => f.id)).toEqual(['node-conditions/node-not-ready', 'node-conditions/node-not-ready']);
    expect(findings[0]!.evidence.join('\n')).toContain('kube-system pods were not collected');
    expect(findings[0]!.rootCause).toContain('container runtime network not ready');
  });
});
