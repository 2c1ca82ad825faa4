/**
 * The declaration of what feeds each snapshot part (src/collect/sources.ts) agrees with the policy
 * files, and with what the collectors really call: the fault matrix builds its cases from it, so a
 * permission missing here would go untested, and a collector calling an undeclared action would
 * make the matrix promise too little.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { collectFromMock } from './support.js';
import { loadClusterRole } from '../support/cluster-role.js';
import type { SnapshotPart } from '../../src/snapshot/types.js';
import { AwsCollection } from '../../src/collect/aws/collection.js';
import { AWS_PARTS, planFromParts } from '../../src/collect/plan.js';
import { ACTIONS_FEEDING_NO_PART, COLLECTOR_SOURCES, partsAffectedBy, partsReadingAction, type KubernetesSource, type PartSources } from '../../src/collect/sources.js';

const policyActions = (JSON.parse(readFileSync(new URL('../../policy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
const entries = Object.entries(COLLECTOR_SOURCES) as [SnapshotPart, PartSources][];

describe('COLLECTOR_SOURCES', () => {
  it('maps every action of policy/iam-policy.json to the parts it feeds (or says why it feeds none)', () => {
    const unmapped = policyActions.filter((action) => partsReadingAction(action).length === 0 && !(action in ACTIONS_FEEDING_NO_PART));
    expect(unmapped).toEqual([]);
  });

  it('declares no action the policy does not grant', () => {
    const declared = new Set([...entries.flatMap(([, s]) => s.actions ?? []), ...Object.keys(ACTIONS_FEEDING_NO_PART)]);
    expect([...declared].filter((a) => !policyActions.includes(a))).toEqual([]);
  });

  it('maps every resource and URL policy/clusterrole.yaml grants to a part, and declares nothing it does not grant', () => {
    const declared = entries.flatMap(([, s]) => s.kubernetes ?? []);
    const key = (s: KubernetesSource) => ('nonResourceURL' in s ? `${s.verb} ${s.nonResourceURL}` : `${s.verb} ${s.resource}.${s.apiGroup}`);
    const granted = loadClusterRole().rules.flatMap((rule) =>
      rule.nonResourceURLs
        ? rule.nonResourceURLs.flatMap((url) => rule.verbs.map((verb) => `${verb} ${url}`))
        : (rule.apiGroups ?? []).flatMap((group) => (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}.${group}`))),
    );
    const declaredKeys = new Set(declared.map(key));
    expect(granted.filter((g) => !declaredKeys.has(g))).toEqual([]);
    expect([...declaredKeys].filter((d) => !granted.includes(d))).toEqual([]);
  });

  it('follows needs and uses: a denied DescribeInstances reaches instance profiles (needs), instance types and AMIs (uses) and the roles behind them', () => {
    const affected = partsAffectedBy(partsReadingAction('ec2:DescribeInstances'));
    expect([...affected].sort()).toEqual(['aws.iamAttachedRolePolicies', 'aws.iamInstanceProfiles', 'aws.iamRoles', 'aws.images', 'aws.instanceTypes', 'aws.reservations']);
    // The API server's probe failing costs every Kubernetes part, and the IAM roles IRSA names.
    expect(partsAffectedBy(['kubernetes.apiServer'])).toContain('kubernetes.nodes');
    expect(partsAffectedBy(['kubernetes.apiServer'])).toContain('aws.iamRoles');
  });
});

describe('the collectors call only what their parts declare', () => {
  // Between them: scaling activities, missing instance profiles, Pod Identity and IRSA roles.
  const scenarios = ['baseline', 'asg-instance-profile-deleted', 'ebs-csi-pod-identity-role-not-found'];
  let mock: AwsMock;
  beforeAll(async () => {
    mock = await startAwsMock({ snapshots: scenarios.map(loadScenario) });
  });
  afterAll(() => mock.close());

  it.each(scenarios)('on %s', async (name) => {
    const calls = new Map<string, Set<string>>();
    const original = AwsCollection.prototype.call;
    AwsCollection.prototype.call = function (this: AwsCollection, part, call, ...rest) {
      (calls.get(part) ?? calls.set(part, new Set()).get(part)!).add(call);
      return original.call(this, part, call, ...rest) as never;
    } as typeof original;
    try {
      await collectFromMock(loadScenario(name), mock.url, { plan: planFromParts(AWS_PARTS.map((p) => `aws.${p}` as const)) });
    } finally {
      AwsCollection.prototype.call = original;
    }
    expect(calls.size).toBeGreaterThan(20);
    const undeclared = [...calls].flatMap(([part, made]) => [...made].filter((call) => !(COLLECTOR_SOURCES[`aws.${part}` as SnapshotPart].actions ?? []).includes(call)).map((call) => `${part}: ${call}`));
    expect(undeclared).toEqual([]);
  });
});
