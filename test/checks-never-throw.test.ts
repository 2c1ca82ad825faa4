/**
 * No snapshot makes a check crash. fast-check breaks the baseline at random — parts missing, fields
 * deleted or set to null, empty arrays or objects where lists and records were, Nodes without
 * providerID, instances without private DNS names, aws-auth YAML that does not parse or has keys
 * nobody expects, random collection errors — and every check must return findings, pass, skip or
 * report a clean error; never "the check failed unexpectedly". Snapshots the loader would refuse
 * (validateSnapshot) are not generated: the checks never see them; the rest go through the loader,
 * which drops nulls (JSON null means absent). Then the named edge cases, each with exactly the
 * findings its input implies.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDiagnostics } from '../src/engine/registry.js';
import { runChecks, type CheckResult } from '../src/engine/run-checks.js';
import { parseSnapshot, validateSnapshot } from '../src/snapshot/load.js';
import type { FailureKind, Snapshot, SnapshotPart } from '../src/snapshot/types.js';
import { buildBaseline } from '../mocks/scenario-builder/baseline.js';

const baseline = buildBaseline();
const UNEXPECTED = 'the check failed unexpectedly';

type Container = Record<string, unknown> | unknown[];
/** Every (container, key) in the snapshot below aws and kubernetes, as paths from the root. */
function paths(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (path.length > 9 || value === null || typeof value !== 'object') return out;
  for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const next = [...path, key];
    if (path.length > 0 || key === 'aws' || key === 'kubernetes') {
      if (path.length > 0) out.push(next);
      paths(child, next, out);
    }
  }
  return out;
}
const ALL_PATHS = paths(baseline);

function containerAt(root: unknown, path: (string | number)[]): Container | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node !== null && typeof node === 'object' ? (node as Container) : undefined;
}

/**
 * What a broken value looks like: null, or an empty one of the same shape (an API that answers an
 * empty list, an empty object, an empty string, zero). Values of another type altogether are the
 * loader's business, not the checks'.
 */
function emptyLike(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (value !== null && typeof value === 'object') return {};
  if (typeof value === 'string') return '';
  if (typeof value === 'number') return 0;
  return null;
}

type Mutation =
  | { kind: 'delete'; path: number }
  | { kind: 'replace'; path: number; value: number }
  | { kind: 'node-without-provider-id'; index: number }
  | { kind: 'instance-without-dns'; index: number }
  | { kind: 'aws-auth'; text: string; key: string }
  | { kind: 'error'; part: number; failure: number };

const PARTS = [...Object.keys(baseline.aws).filter((k) => k !== 'notFound').map((k) => `aws.${k}`), ...Object.keys(baseline.kubernetes).map((k) => `kubernetes.${k}`)] as SnapshotPart[];
const FAILURES: FailureKind[] = ['denied', 'throttled', 'timeout', 'unreachable', 'tls', 'unauthorized', 'not-found', 'invalid-response', 'server-error', 'other'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.nat({ max: ALL_PATHS.length - 1 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), path: fc.nat({ max: ALL_PATHS.length - 1 }), value: fc.nat({ max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('node-without-provider-id' as const), index: fc.nat({ max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('instance-without-dns' as const), index: fc.nat({ max: 20 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('aws-auth' as const),
      text: fc.oneof(fc.string(), fc.constantFrom('- rolearn: [unclosed', 'mapRoles: {', '- {rolearn: 1, groups: 2}', '---\n- : :', '[]', 'null', '- rolearn: arn:aws:iam::111122223333:role/x\n  groups: system:nodes')),
      key: fc.constantFrom('mapRoles', 'mapUsers', 'mapAccounts', 'unexpected', 'MapRoles'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), part: fc.nat({ max: PARTS.length - 1 }), failure: fc.nat({ max: FAILURES.length - 1 }) }) },
);

function apply(snapshot: Snapshot, m: Mutation): void {
  switch (m.kind) {
    case 'delete':
    case 'replace': {
      const path = ALL_PATHS[m.path]!;
      const container = containerAt(snapshot, path);
      const key = path[path.length - 1]!;
      if (!container) return;
      if (m.kind === 'delete') {
        if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
        else delete (container as Record<string, unknown>)[key as string];
      } else {
        const current = (container as Record<string | number, unknown>)[key];
        (container as Record<string | number, unknown>)[key] = m.value % 2 === 0 ? null : emptyLike(current);
      }
      return;
    }
    case 'node-without-provider-id': {
      const nodes = snapshot.kubernetes.nodes;
      const node = Array.isArray(nodes) && nodes.length > 0 ? nodes[m.index % nodes.length] : undefined;
      if (node && typeof node === 'object' && node.spec && typeof node.spec === 'object') delete node.spec.providerID;
      return;
    }
    case 'instance-without-dns': {
      const instances = Array.isArray(snapshot.aws.reservations) ? snapshot.aws.reservations.flatMap((r) => (r && Array.isArray(r.Instances) ? r.Instances : [])) : [];
      const instance = instances.length > 0 ? instances[m.index % instances.length] : undefined;
      if (instance && typeof instance === 'object') {
        delete instance.PrivateDnsName;
        delete instance.PrivateIpAddress;
      }
      return;
    }
    case 'aws-auth': {
      const cm = snapshot.kubernetes.awsAuth;
      if (cm && typeof cm === 'object') cm.data = { ...(cm.data && typeof cm.data === 'object' ? cm.data : {}), [m.key]: m.text };
      return;
    }
    case 'error': {
      const part = PARTS[m.part]!;
      if (Array.isArray(snapshot.errors)) snapshot.errors.push({ part, call: `test:${part}`, kind: FAILURES[m.failure]!, code: 'Injected', message: 'injected by the property test' });
      return;
    }
  }
}

function crashes(checks: CheckResult[]): string[] {
  return checks.filter((c) => c.status === 'error' && (c.reason ?? '').startsWith(UNEXPECTED)).map((c) => `${c.id}: ${c.reason}`);
}

async function run(snapshot: Snapshot): Promise<CheckResult[]> {
  return (await runChecks(snapshot, await loadDiagnostics(), {})).checks;
}

describe('every check on randomly broken snapshots', () => {
  it('returns findings or a clean error, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 12 }), async (mutations) => {
        const snapshot = structuredClone(baseline);
        for (const m of mutations) apply(snapshot, m);
        fc.pre(validateSnapshot(snapshot) === undefined);
        // Through the loader, as every snapshot reaches the checks.
        expect(crashes(await run(parseSnapshot(JSON.stringify(snapshot), 'generated')))).toEqual([]);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});

/**
 * The clusters the issue names, built from the baseline by hand, each with the findings it should
 * give beyond the baseline's own: odd input is still read for what it says, neither crashing a
 * check nor inventing problems (an instance is matched to its Node by providerID, or by private DNS
 * name when the Node lacks one).
 */
const edgeCases: [string, (s: Snapshot) => void, string[]][] = [
  ['Fargate-only', (s) => {
    s.aws.nodegroups = [];
    s.aws.autoScalingGroups = [];
    s.aws.reservations = [];
    s.aws.scalingActivities = [];
    s.aws.launchTemplateVersions = [];
    s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['eks.amazonaws.com/compute-type'] === 'fargate');
    s.kubernetes.kubeSystemPods = [];
  }, []],
  ['Karpenter-only', (s) => {
    s.aws.nodegroups = [];
    s.aws.autoScalingGroups = [];
    s.aws.fargateProfiles = [];
    s.aws.reservations = s.aws.reservations!.filter((r) => r.Instances?.some((i) => i.Tags?.some((t) => t.Key === 'karpenter.sh/nodepool')));
    s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => n.metadata?.labels?.['karpenter.sh/nodepool']);
  }, []],
  ['no node groups at all', (s) => {
    s.aws.nodegroups = [];
  }, []],
  ['empty node groups (desired 0, no instances)', (s) => {
    for (const ng of s.aws.nodegroups!) ng.scalingConfig = { minSize: 0, maxSize: 3, desiredSize: 0 };
    for (const g of s.aws.autoScalingGroups!) {
      g.DesiredCapacity = 0;
      g.MinSize = 0;
      g.Instances = [];
    }
    s.aws.reservations = [];
    s.kubernetes.nodes = s.kubernetes.nodes!.filter((n) => !n.spec?.providerID?.includes('/i-'));
  }, []],
  ['Nodes without providerID', (s) => {
    for (const n of s.kubernetes.nodes!) delete n.spec!.providerID;
  }, []],
  ['instances without private DNS names', (s) => {
    for (const r of s.aws.reservations!) for (const i of r.Instances!) delete i.PrivateDnsName;
  }, []],
  // The batch node role is mapped only in aws-auth: YAML that does not parse leaves it unmapped.
  ['malformed aws-auth YAML', (s) => {
    s.kubernetes.awsAuth!.data = { mapRoles: '- rolearn: [unclosed\n  groups: {' };
  }, ['aws-auth/configmap-invalid-yaml', 'aws-auth/node-role-not-mapped']],
  ['an aws-auth ConfigMap with unexpected keys', (s) => {
    s.kubernetes.awsAuth!.data = { ...s.kubernetes.awsAuth!.data, mapRole: 'typo', 'extra-key': '42' };
  }, []],
  // What the API server reads is what counts: a misspelt key maps nobody.
  ['an aws-auth ConfigMap whose only key is misspelt (mapRole)', (s) => {
    s.kubernetes.awsAuth!.data = { mapRole: s.kubernetes.awsAuth!.data!.mapRoles! };
  }, ['aws-auth/node-role-not-mapped']],
  ['no aws-auth ConfigMap', (s) => {
    s.kubernetes.awsAuth = null;
  }, ['aws-auth/node-role-not-mapped']],
];

/** The baseline's own findings (a leftover subnet tag), which every edge case keeps. */
let baselineFindings: { id: string }[] = [];
beforeAll(async () => {
  baselineFindings = (await runChecks(baseline, await loadDiagnostics(), {})).findings;
});

describe.each(edgeCases)('a cluster with %s', (_name, edit, expectedIds) => {
  it('gets a result from every check, never an exception, and exactly the findings that input implies', async () => {
    const snapshot = structuredClone(baseline);
    edit(snapshot);
    expect(validateSnapshot(snapshot)).toBeUndefined();
    const { checks, findings } = await runChecks(snapshot, await loadDiagnostics(), {});
    expect(crashes(checks)).toEqual([]);
    // Every part is there, merely odd: no check may give up on it.
    expect(checks.filter((c) => c.status !== 'pass' && c.status !== 'fail').map((c) => `${c.id}: ${c.status} ${c.reason ?? ''}`)).toEqual([]);
    const ids = (list: { id: string }[]) => [...new Set(list.map((f) => f.id))].sort();
    const baselineIds = new Set(ids(baselineFindings));
    expect(ids(findings).filter((id) => !baselineIds.has(id))).toEqual([...expectedIds].sort());
  });
});
