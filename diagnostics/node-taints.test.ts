import { expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { applySchedulingFaults, checkoutPending, failedSchedulingMessage } from '../mocks/faults/scheduling.js';
import { MANAGED_NODEGROUP } from '../mocks/scenario-builder/baseline.js';
import type { KubeNode, Snapshot } from '../src/snapshot/types.js';
import nodeTaints from './node-taints.js';

const withFaults = (...names: string[]): Snapshot => mutate((s) => applySchedulingFaults(s, ...names));
const inGeneral = (n: KubeNode) => n.metadata?.labels?.['eks.amazonaws.com/nodegroup'] === MANAGED_NODEGROUP;
const KARPENTER_NODE = 'ip-10-0-93-10.eu-west-1.compute.internal';

function taintNodes(s: Snapshot, which: (n: KubeNode) => boolean, taint: { key: string; value?: string; effect: string }): void {
  for (const node of (s.kubernetes.nodes ?? []).filter(which)) node.spec = { ...node.spec, taints: [...(node.spec?.taints ?? []), taint] };
}

/** The general nodes tainted by hand (`kubectl taint nodes ... dedicated=payments:NoSchedule`), not in the node group's configuration. */
const taintedByHand = mutate((s) => {
  taintNodes(s, inGeneral, { key: 'dedicated', value: 'payments', effect: 'NoSchedule' });
  checkoutPending(s, 3, failedSchedulingMessage(s, { taintOf: (n) => (inGeneral(n) ? { key: 'dedicated', value: 'payments' } : undefined) }));
});

/** The Karpenter NodePool default gets the taint gpu=true:NoSchedule in its template; its node carries it; pods pinned to the pool lack the toleration. */
const karpenterPoolTaint = mutate((s) => {
  applySchedulingFaults(s, 'karpenter-only');
  const pool = s.kubernetes.nodePools![0]!;
  pool.spec!.template!.spec!.taints = [{ key: 'example.com/team', value: 'ml', effect: 'NoSchedule' }];
  const onPool = (n: KubeNode) => n.metadata?.name === KARPENTER_NODE;
  taintNodes(s, onPool, { key: 'example.com/team', value: 'ml', effect: 'NoSchedule' });
  checkoutPending(s, 2, failedSchedulingMessage(s, { taintOf: (n) => (onPool(n) ? { key: 'example.com/team', value: 'ml' } : undefined), selects: onPool }), { nodeSelector: { 'karpenter.sh/nodepool': 'default' } });
});

/** EKS Auto Mode: pods pinned to the built-in system NodePool, whose CriticalAddonsOnly taint they do not tolerate. */
const autoModeSystemPool = mutate((s) => {
  applySchedulingFaults(s, 'auto-mode-enabled');
  const node = s.kubernetes.nodes!.find((n) => n.metadata?.name === KARPENTER_NODE)!;
  node.metadata!.labels = { ...node.metadata!.labels, 'karpenter.sh/nodepool': 'system' };
  const onPool = (n: KubeNode) => n === node;
  taintNodes(s, onPool, { key: 'CriticalAddonsOnly', effect: 'NoSchedule' });
  checkoutPending(s, 1, failedSchedulingMessage(s, { taintOf: (n) => (onPool(n) ? { key: 'CriticalAddonsOnly' } : undefined), selects: onPool }), { nodeSelector: { 'karpenter.sh/nodepool': 'system' } });
});

describeDiagnostic(nodeTaints, {
  healthy: [
    { name: 'baseline: nothing Pending (the Fargate node\'s own taint is no finding)', snapshot: mutate(() => {}) },
    { name: 'Karpenter only, nothing Pending', snapshot: withFaults('karpenter-only') },
    { name: 'Auto Mode, nothing Pending', snapshot: withFaults('auto-mode-enabled') },
    { name: 'pods Pending for CPU on a full group: no taint holds them', snapshot: withFaults('checkout-pending-general-at-max') },
    {
      name: 'a dedicated group doing its job: the tainted nodes are ones the pods do not select',
      snapshot: mutate((s) => {
        const batch = (n: KubeNode) => n.metadata?.labels?.['node-role.example.com/batch'] === 'true';
        taintNodes(s, batch, { key: 'dedicated', value: 'batch', effect: 'NoSchedule' });
        checkoutPending(s, 2, failedSchedulingMessage(s, { taintOf: (n) => (batch(n) ? { key: 'dedicated', value: 'batch' } : undefined) }));
      }),
    },
    {
      name: 'a NotReady node\'s not-ready taint is left to node-conditions (which explains the pods)',
      snapshot: mutate((s) => {
        const first = (n: KubeNode) => n === s.kubernetes.nodes![0];
        taintNodes(s, first, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
        checkoutPending(s, 1, failedSchedulingMessage(s, { taintOf: (n) => (first(n) ? { key: 'node.kubernetes.io/not-ready' } : undefined) }));
      }),
    },
    {
      name: 'the pods tolerate the taint now (their template was fixed): the old message names it, but no node holds them for it',
      snapshot: mutate((s) => {
        taintNodes(s, inGeneral, { key: 'dedicated', value: 'payments', effect: 'NoSchedule' });
        const pods = checkoutPending(s, 1, failedSchedulingMessage(s, { taintOf: (n) => (inGeneral(n) ? { key: 'dedicated', value: 'payments' } : undefined) }));
        pods[0]!.spec!.tolerations = [...(pods[0]!.spec!.tolerations ?? []), { key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' }];
      }),
    },
    {
      name: 'a scale-up under way for them: the symptom is info, and no taint is blamed',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'general-tainted-checkout-pending');
        s.kubernetes.nodeClaims = [{ apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name: 'default-x7k2p', creationTimestamp: new Date(Date.parse(s.capturedAt) - 60_000).toISOString(), labels: { 'karpenter.sh/nodepool': 'default' } }, spec: {}, status: { conditions: [{ type: 'Launched', status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation', lastTransitionTime: s.capturedAt }] } }];
      }),
    },
  ],
  broken: [
    {
      name: "a taint in the managed node group's configuration: named with the node group and its nodes; a toleration first, the node group's removeTaints second",
      snapshot: withFaults('general-tainted-checkout-pending'),
      expect: [{ id: 'node-taints/untolerated-taint', resource: 'general', severity: 'warning', mentions: 'dedicated=payments', canExplain: ['pod-unschedulable'] }],
    },
    {
      name: 'the same taint put on the nodes by hand: removing it from the nodes comes first',
      snapshot: taintedByHand,
      expect: [{ id: 'node-taints/untolerated-taint', resource: 'ip-10-0-1-10.eu-west-1.compute.internal', mentions: 'put on the nodes directly' }],
    },
    {
      name: "a Karpenter NodePool's template taint, named with the NodePool",
      snapshot: karpenterPoolTaint,
      expect: [{ id: 'node-taints/untolerated-taint', resource: 'default', mentions: 'NodePool default (spec.template.spec.taints)' }],
    },
    {
      name: "EKS Auto Mode's built-in system NodePool: its CriticalAddonsOnly taint cannot be edited away",
      snapshot: autoModeSystemPool,
      expect: [{ id: 'node-taints/untolerated-taint', resource: 'system', mentions: 'cannot be edited' }],
    },
  ],
});

it('fixes name the real resources: a merge patch of the Deployment keeping its tolerations, and the node group\'s removeTaints', () => {
  const [f] = runDiagnostic(nodeTaints, withFaults('general-tainted-checkout-pending'));
  expect(f!.fix.commands).toEqual([
    `kubectl patch deployment -n shop checkout --type merge -p '{"spec":{"template":{"spec":{"tolerations":[{"key":"dedicated","operator":"Equal","value":"payments","effect":"NoSchedule"}]}}}}'`,
  ]);
  expect(f!.fix.alternatives?.[0]?.commands).toEqual([
    "aws eks update-nodegroup-config --cluster-name shop-prod --nodegroup-name general --taints 'removeTaints=[{key=dedicated,value=payments,effect=NO_SCHEDULE}]' --region eu-west-1",
  ]);
  expect(f!.canExplain).toEqual([{ symptom: 'pod-unschedulable', resources: [{ type: 'k8s:Deployment', id: 'shop/checkout' }] }]);
  expect(f!.evidence.join('\n')).toContain('node group general (in its taints): ip-10-0-1-10.eu-west-1.compute.internal (dedicated=payments:NoSchedule)');
});

it('a taint put on by hand is taken off the nodes, one command each; the NodePool\'s by its index in the template', () => {
  const [byHand] = runDiagnostic(nodeTaints, taintedByHand);
  expect(byHand!.fix.commands).toEqual([
    'kubectl taint nodes ip-10-0-1-10.eu-west-1.compute.internal dedicated=payments:NoSchedule-',
    'kubectl taint nodes ip-10-0-33-11.eu-west-1.compute.internal dedicated=payments:NoSchedule-',
    'kubectl taint nodes ip-10-0-65-12.eu-west-1.compute.internal dedicated=payments:NoSchedule-',
  ]);
  const [pool] = runDiagnostic(nodeTaints, karpenterPoolTaint);
  expect(pool!.fix.alternatives?.[0]?.commands).toEqual([`kubectl patch nodepool default --type json -p '[{"op":"remove","path":"/spec/template/spec/taints/0"}]'`]);
  const [builtIn] = runDiagnostic(nodeTaints, autoModeSystemPool);
  expect(builtIn!.fix.alternatives ?? []).toEqual([]);
  expect(builtIn!.fix.commands[0]).toContain('"key":"CriticalAddonsOnly","operator":"Exists","effect":"NoSchedule"');
});

it('the pods of two workloads held by one taint are one finding explaining both', () => {
  const s = mutate((x) => {
    applySchedulingFaults(x, 'general-tainted-checkout-pending');
    const [pod] = checkoutPending(x, 1, failedSchedulingMessage(x, { taintOf: (n) => (inGeneral(n) ? { key: 'dedicated', value: 'payments' } : undefined) }));
    pod!.metadata = { ...pod!.metadata, name: 'invoices-0', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'invoices', uid: '6a6a6a6a-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }] };
  });
  const findings = runDiagnostic(nodeTaints, s);
  expect(findings.map((f) => f.canExplain?.[0]?.resources?.map((r) => r.id))).toEqual([['shop/checkout', 'shop/invoices']]);
});
