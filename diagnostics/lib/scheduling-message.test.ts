import { describe, expect, it } from 'vitest';
import { insufficientResources, lacksCapacity, parseSchedulingFailure } from './scheduling-message.js';

/*
 * Messages as kube-scheduler writes them. Formats from memory of:
 * - pkg/scheduler/framework/types.go, FitError.Error(): "0/%v nodes are available" + ":", then the
 *   PreFilter message or the sorted "count reason" histogram joined by ", ", then ".", then the
 *   PostFilter (preemption) message " preemption: 0/%v nodes are available: ...".
 * - plugin reasons: noderesources/fit.go ("Insufficient " + resource, "Too many pods"),
 *   tainttoleration ("node(s) had untolerated taint {%s: %s}"; before 1.25 "node(s) had taint {%s: %s},
 *   that the pod didn't tolerate"), nodeaffinity ("node(s) didn't match Pod's node affinity/selector"),
 *   volumebinding ("pod has unbound immediate PersistentVolumeClaims", "node(s) had volume node affinity
 *   conflict"), volumezone ("node(s) had no available volume zone"), nodeunschedulable ("node(s) were unschedulable").
 */
describe('parseSchedulingFailure', () => {
  it('parses the Filter histogram, a taint without value, and the preemption tail', () => {
    const failure = parseSchedulingFailure(
      "0/5 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 3 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.",
    )!;
    expect(failure.totalNodes).toBe(5);
    expect(failure.obstacles).toEqual([
      { kind: 'node-affinity', nodes: 1, reason: "node(s) didn't match Pod's node affinity/selector" },
      { kind: 'taint', nodes: 1, reason: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }', taint: { key: 'node.kubernetes.io/not-ready', value: '' } },
      { kind: 'insufficient', nodes: 3, reason: 'Insufficient cpu', resource: 'cpu' },
    ]);
    expect(failure.preemption).toBe('0/5 nodes are available: 5 No preemption victims found for incoming pod.');
    expect(lacksCapacity(failure)).toBe(true);
  });

  it('counts a node once per reason of its first failing plugin: cpu and memory on the same nodes add up to more than N', () => {
    const failure = parseSchedulingFailure('0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory, 3 Too many pods.')!;
    expect(insufficientResources(failure)).toEqual(['cpu', 'memory', 'pods']);
  });

  it('reads a PreFilter message as standing for every node', () => {
    const failure = parseSchedulingFailure('0/7 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/7 nodes are available: 7 Preemption is not helpful for scheduling.')!;
    expect(failure.obstacles).toEqual([{ kind: 'unbound-claims', reason: 'pod has unbound immediate PersistentVolumeClaims' }]);
    expect(lacksCapacity(failure)).toBe(false);
  });

  it('recognises volume node affinity conflicts, taints with values and the pre-1.25 taint wording', () => {
    const failure = parseSchedulingFailure('0/4 nodes are available: 1 node(s) had taint {dedicated: gpu}, that the pod didn\'t tolerate, 3 node(s) had volume node affinity conflict.')!;
    expect(failure.obstacles.map((o) => [o.kind, o.nodes, o.taint])).toEqual([
      ['taint', 1, { key: 'dedicated', value: 'gpu' }],
      ['volume-node-affinity', 3, undefined],
    ]);
  });

  it('takes a cluster without nodes as lacking capacity, and leaves other messages unparsed', () => {
    expect(parseSchedulingFailure('0/0 nodes are available.')).toEqual({ totalNodes: 0, obstacles: [] });
    expect(lacksCapacity(parseSchedulingFailure('0/0 nodes are available.')!)).toBe(true);
    expect(parseSchedulingFailure('Pod not supported on Fargate: fields not supported: HostNetwork')).toBeUndefined();
    expect(parseSchedulingFailure(undefined)).toBeUndefined();
    expect(parseSchedulingFailure('0/3 nodes are available: 3 node(s) had something new.')!.obstacles[0]!.kind).toBe('other');
  });
});
