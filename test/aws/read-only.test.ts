/**
 * Read-only by construction: every request the tool sends to the mock, over every scenario and the
 * unknown-cluster path, is a Describe/List/Get (or sts:GetCallerIdentity) listed in
 * policy/iam-policy.json; and the policy lists exactly the calls the collectors can make.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_PARTS, planFromParts } from '../../src/collect/plan.js';
import { listScenarios, loadScenario } from '../../mocks/bundled-scenarios.js';
import { startAwsMock } from '../../mocks/aws-mock/index.js';
import { RequestLog } from '../../mocks/request-log.js';
import { collectFromMock } from './support.js';

const policy = JSON.parse(readFileSync(new URL('../../policy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Effect: string; Action: string[]; Resource: string }[] };
const allowed = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));
// LookupEvents reads CloudTrail's event history (the change history): a read, whatever its verb.
const READ_ONLY = /^(autoscaling|ec2|ecr|eks|iam|servicequotas|cloudwatch):(Describe|List|Get)[A-Za-z]+$|^sts:GetCallerIdentity$|^cloudtrail:LookupEvents$/;

describe('the IAM policy', () => {
  it('grants only read actions, on nothing but what it lists', () => {
    for (const action of allowed) expect(action, action).toMatch(READ_ONLY);
    expect(policy.Statement.every((s) => !s.Action.some((a) => a.includes('*')))).toBe(true);
  });

  it('lists exactly the calls the AWS collectors can make', () => {
    const dir = new URL('../../src/collect/aws/', import.meta.url);
    // The collectors and their declarations live in services/, one file pair per AWS service.
    const source = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(dir.pathname, f), 'utf8'))
      .join('\n');
    const named = new Set([...source.matchAll(/'((?:autoscaling|ec2|ecr|eks|iam|sts|servicequotas|cloudwatch|cloudtrail):[A-Z][A-Za-z]+)'/g)].map((m) => m[1]));
    // ListClusters is sent directly (to name the clusters that exist) rather than through a part.
    if (/new ListClustersCommand/.test(source)) named.add('eks:ListClusters');
    expect([...allowed].sort()).toEqual([...named].sort());
  });
});

describe('requests sent while collecting every scenario in full', () => {
  const log = new RequestLog();

  it.each(listScenarios())('$name: only policy actions, all reads', async ({ name }) => {
    const scenario = loadScenario(name);
    const own = await startAwsMock({ snapshots: [scenario], log, maxPageSize: 3 });
    try {
      await collectFromMock(scenario, own.url, { plan: planFromParts(AWS_PARTS.map((p) => `aws.${p}` as const)), connection: { maxAttempts: 1 } });
      // And the path that lists clusters: asking for one that does not exist.
      await expect(collectFromMock(scenario, own.url, { clusterName: 'no-such-cluster' })).rejects.toThrow(/no EKS cluster named 'no-such-cluster'/);
    } finally {
      await own.close();
    }
    const actions = [...new Set(log.entries.map((e) => `${e.service}:${e.action}`))];
    expect(actions.length).toBeGreaterThan(20);
    for (const action of actions) {
      expect(allowed.has(action), `${action} is not in policy/iam-policy.json`).toBe(true);
      expect(action).toMatch(READ_ONLY);
    }
    expect(actions).toContain('eks:ListClusters');
  });
});
