import { describe, expect, it } from 'vitest';
import { cappedLines, controllerOf, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResolver, workloadResource, type OwnedObject } from './workload-owner.js';

/*
 * Owner references as the controllers write them (from memory of pkg/controller/controller_ref_manager.go
 * and metav1.NewControllerRef: apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true).
 */
const ref = (apiVersion: string, kind: string, name: string, uid: string, controller = true) => ({ apiVersion, kind, name, uid, controller, blockOwnerDeletion: true });

const pod = (name: string, owners: ReturnType<typeof ref>[] | undefined, namespace = 'shop'): OwnedObject => ({
  metadata: { name, namespace, uid: `uid-${name}`, ownerReferences: owners },
});

const replicaSet: OwnedObject = { metadata: { name: 'cart-7d9f8b6c5', namespace: 'shop', uid: 'rs-1', ownerReferences: [ref('apps/v1', 'Deployment', 'cart', 'dep-1')] } };
const job: OwnedObject = { metadata: { name: 'report-29012345', namespace: 'batch', uid: 'job-1', ownerReferences: [ref('batch/v1', 'CronJob', 'report', 'cj-1')] } };
const standaloneJob: OwnedObject = { metadata: { name: 'migrate', namespace: 'batch', uid: 'job-2' } };

describe('workloadResolver', () => {
  const workloadOf = workloadResolver({ ReplicaSet: [replicaSet], Job: [job, standaloneJob] });

  it('follows a pod through its ReplicaSet to the Deployment', () => {
    expect(workloadOf(pod('cart-7d9f8b6c5-x2x9q', [ref('apps/v1', 'ReplicaSet', 'cart-7d9f8b6c5', 'rs-1')]))).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'cart' });
  });

  it('follows a pod through its Job to the CronJob, and stops at a Job no CronJob owns', () => {
    expect(workloadOf(pod('report-29012345-abcde', [ref('batch/v1', 'Job', 'report-29012345', 'job-1')], 'batch'))).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'report' });
    expect(workloadOf(pod('migrate-q8x7z', [ref('batch/v1', 'Job', 'migrate', 'job-2')], 'batch'))).toEqual({ kind: 'Job', namespace: 'batch', name: 'migrate' });
  });

  it('stops at StatefulSets and DaemonSets, which own their pods directly', () => {
    expect(workloadOf(pod('db-0', [ref('apps/v1', 'StatefulSet', 'db', 'ss-1')]))).toEqual({ kind: 'StatefulSet', namespace: 'shop', name: 'db' });
    expect(workloadOf(pod('aws-node-x', [ref('apps/v1', 'DaemonSet', 'aws-node', 'ds-1')], 'kube-system'))).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' });
  });

  it('stays at the ReplicaSet when the ReplicaSets were not collected, rather than guessing the Deployment from the name', () => {
    const withoutOwners = workloadResolver({});
    expect(withoutOwners(pod('cart-7d9f8b6c5-x2x9q', [ref('apps/v1', 'ReplicaSet', 'cart-7d9f8b6c5', 'rs-1')]))).toEqual({ kind: 'ReplicaSet', namespace: 'shop', name: 'cart-7d9f8b6c5' });
  });

  it('does not follow a ReplicaSet of the same name that is another object (uid differs)', () => {
    expect(workloadOf(pod('cart-7d9f8b6c5-old', [ref('apps/v1', 'ReplicaSet', 'cart-7d9f8b6c5', 'rs-deleted')]))).toEqual({ kind: 'ReplicaSet', namespace: 'shop', name: 'cart-7d9f8b6c5' });
  });

  it('ignores owners that are not the controller, and makes a bare pod its own workload', () => {
    expect(workloadOf(pod('debug', [ref('v1', 'ConfigMap', 'keeper', 'cm-1', false)]))).toEqual({ kind: 'Pod', namespace: 'shop', name: 'debug' });
    expect(workloadOf(pod('bare', undefined))).toEqual({ kind: 'Pod', namespace: 'shop', name: 'bare' });
  });

  it('names a static pod by its Node, which lives in no namespace', () => {
    expect(workloadOf(pod('kube-proxy-ip-10-0-1-5', [ref('v1', 'Node', 'ip-10-0-1-5.ec2.internal', 'node-1')], 'kube-system'))).toEqual({ kind: 'Node', name: 'ip-10-0-1-5.ec2.internal' });
  });

  it('an object known by reference only (what an event names) is followed through its collected copy', () => {
    expect(workloadOf({ kind: 'ReplicaSet', metadata: { name: 'cart-7d9f8b6c5', namespace: 'shop' } })).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'cart' });
    expect(workloadOf({ kind: 'Job', metadata: { name: 'report-29012345', namespace: 'batch' } })).toEqual({ kind: 'CronJob', namespace: 'batch', name: 'report' });
    // Not collected: it stays itself.
    expect(workloadOf({ kind: 'ReplicaSet', metadata: { name: 'web-5c6d7e8f9', namespace: 'shop' } })).toEqual({ kind: 'ReplicaSet', namespace: 'shop', name: 'web-5c6d7e8f9' });
  });

  it("a rollout: the pods of a Deployment's old and new ReplicaSets are one workload", () => {
    const next: OwnedObject = { metadata: { name: 'cart-5b8c7d6e4', namespace: 'shop', uid: 'rs-2', ownerReferences: [ref('apps/v1', 'Deployment', 'cart', 'dep-1')] } };
    const rollout = workloadResolver({ ReplicaSet: [replicaSet, next] });
    const pods = [pod('cart-7d9f8b6c5-a', [ref('apps/v1', 'ReplicaSet', 'cart-7d9f8b6c5', 'rs-1')]), pod('cart-5b8c7d6e4-b', [ref('apps/v1', 'ReplicaSet', 'cart-5b8c7d6e4', 'rs-2')])];
    const groups = groupByWorkload(pods, (p) => ({ workload: rollout(p), reason: 'ImagePullBackOff' }));
    expect(groups.map((g) => [describeWorkload(g.workload), g.members.length])).toEqual([['Deployment shop/cart', 2]]);
  });

  it('does not cross namespaces: a ReplicaSet of the same name elsewhere is not the owner', () => {
    expect(workloadOf(pod('cart-7d9f8b6c5-y', [ref('apps/v1', 'ReplicaSet', 'cart-7d9f8b6c5', 'rs-1')], 'staging'))).toEqual({ kind: 'ReplicaSet', namespace: 'staging', name: 'cart-7d9f8b6c5' });
  });
});

describe('controllerOf', () => {
  it('is the owner reference with controller: true only', () => {
    expect(controllerOf({ metadata: { ownerReferences: [ref('v1', 'ConfigMap', 'a', '1', false), ref('apps/v1', 'ReplicaSet', 'b', '2')] } })?.name).toBe('b');
    expect(controllerOf({ metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'b' }] } })).toBeUndefined();
  });
});

describe('groupByWorkload', () => {
  it('makes one group per workload and reason, in first-seen order, leaving out what keyOf skips', () => {
    const cart = { kind: 'Deployment', namespace: 'shop', name: 'cart' };
    const db = { kind: 'StatefulSet', namespace: 'shop', name: 'db' };
    const items = [
      { w: cart, r: 'Insufficient cpu', id: 1 },
      { w: db, r: 'unbound PVC', id: 2 },
      { w: cart, r: 'Insufficient cpu', id: 3 },
      { w: cart, r: 'untolerated taint', id: 4 },
      { w: undefined, r: '', id: 5 },
    ];
    const groups = groupByWorkload(items, (i) => (i.w ? { workload: i.w, reason: i.r } : undefined));
    expect(groups.map((g) => [describeWorkload(g.workload), g.reason, g.members.map((m) => m.id)])).toEqual([
      ['Deployment shop/cart', 'Insufficient cpu', [1, 3]],
      ['StatefulSet shop/db', 'unbound PVC', [2]],
      ['Deployment shop/cart', 'untolerated taint', [4]],
    ]);
  });
});

describe('naming a workload', () => {
  it('as a resource, a description and a kubectl command', () => {
    expect(workloadResource({ kind: 'StatefulSet', namespace: 'shop', name: 'db' })).toEqual({ type: 'k8s:StatefulSet', id: 'shop/db' });
    expect(workloadResource({ kind: 'Node', name: 'n1' })).toEqual({ type: 'k8s:Node', id: 'n1' });
    expect(describeWorkloadCommand({ kind: 'CronJob', namespace: 'batch', name: 'report' })).toBe('kubectl describe cronjob -n batch report');
  });
});

describe('cappedLines', () => {
  it('keeps every line up to the cap, then says how many were left out', () => {
    expect(cappedLines(['a', 'b'], 2)).toEqual(['a', 'b']);
    expect(cappedLines(['a', 'b', 'c', 'd'], 2, 'pods')).toEqual(['a', 'b', '... and 2 more pods']);
    expect(cappedLines(['a', 'b', 'c'], 2)).toEqual(['a', 'b', '... and 1 more']);
  });
});
