import { describe, expect, it } from 'vitest';
import { catalogueThresholds, defineDiagnostic } from '../../src/engine/diagnostic.js';
import { couldNotRun, runChecks } from '../../src/engine/run-checks.js';
import { buildBaseline } from '../../mocks/scenario-builder/baseline.js';

const codes = { seen: { severity: 'warning' as const, title: 't', description: 'd' } };
const subnetsCheck = defineDiagnostic({ id: 'needs-subnets', title: 'subnets', description: 'd', docs: ['https://x'], needs: ['aws.subnets'], codes, check: () => [] });
const nodesCheck = defineDiagnostic({
  id: 'needs-nodes', title: 'nodes', description: 'd', docs: ['https://x'], needs: ['kubernetes.nodes'], codes,
  check: ({ snapshot }) => [{ code: 'seen', title: `${snapshot.kubernetes.nodes!.length} nodes`, rootCause: 'r', evidence: ['e'], resources: [{ type: 'k8s:Node', id: 'n1' }], fix: { summary: 's', commands: [], docs: [] } }],
});
const throwing = defineDiagnostic({ id: 'throws', title: 'throws', description: 'd', docs: ['https://x'], needs: [], codes, check: () => { throw new Error('boom'); } });

describe('runChecks', () => {
  it('reports a check whose needed call was denied as error naming the call and permission; the others still run', async () => {
    const s = buildBaseline();
    delete s.aws.subnets;
    s.errors.push({ part: 'aws.subnets', call: 'ec2:DescribeSubnets', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized', permission: 'ec2:DescribeSubnets' });
    const { checks, findings } = await runChecks(s, [subnetsCheck, nodesCheck, throwing], {});
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['needs-subnets']!.status).toBe('error');
    expect(byId['needs-subnets']!.reason).toBe('could not read subnets: ec2:DescribeSubnets was denied (UnauthorizedOperation); grant ec2:DescribeSubnets');
    expect(byId['needs-subnets']!.failedCalls).toEqual([{ call: 'ec2:DescribeSubnets', code: 'UnauthorizedOperation', kind: 'denied', permission: 'ec2:DescribeSubnets' }]);
    expect(byId['needs-nodes']!.status).toBe('fail');
    expect(findings.map((f) => f.id)).toEqual(['needs-nodes/seen']);
    expect(byId.throws!.status).toBe('error');
    expect(byId.throws!.reason).toBe('the check failed unexpectedly: boom');
  });

  it('skips a check whose part was never collected, and one not selected', async () => {
    const s = buildBaseline();
    delete s.kubernetes.nodes;
    const { checks } = await runChecks(s, [nodesCheck, subnetsCheck], { deselected: new Set(['needs-subnets']) });
    expect(checks.map((c) => [c.id, c.status, c.reason, c.deselected])).toEqual([
      ['needs-nodes', 'skipped', 'the snapshot holds no Kubernetes nodes', undefined],
      ['needs-subnets', 'skipped', 'not selected (--only/--skip)', true],
    ]);
    // The field, not the text, tells the two apart.
    expect(checks.map(couldNotRun)).toEqual([true, false]);
  });

  it('a check that ran without a part it uses keeps its verdict and names the part, the call and the permission in `incomplete`', async () => {
    const usesInstances = defineDiagnostic({ id: 'uses-instances', title: 'instances', description: 'd', docs: ['https://x'], needs: ['kubernetes.nodes'], uses: ['aws.reservations', 'aws.subnets'], codes, check: () => [] });
    const s = buildBaseline();
    delete s.aws.reservations;
    s.errors.push({ part: 'aws.reservations', call: 'ec2:DescribeInstances', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized', permission: 'ec2:DescribeInstances' });
    const { checks } = await runChecks(s, [usesInstances, nodesCheck], {});
    expect(checks[0]).toMatchObject({
      id: 'uses-instances',
      status: 'pass',
      incomplete: [
        {
          part: 'aws.reservations',
          reason: 'could not read EC2 instances: ec2:DescribeInstances was denied (UnauthorizedOperation); grant ec2:DescribeInstances',
          failedCalls: [{ call: 'ec2:DescribeInstances', code: 'UnauthorizedOperation', kind: 'denied', permission: 'ec2:DescribeInstances' }],
        },
      ],
    });
    // A check that does not read the part is not touched by its failure.
    expect(checks[1]!.incomplete).toBeUndefined();
  });

  it('emits start and end events for a live display', async () => {
    const events: string[] = [];
    await runChecks(buildBaseline(), [nodesCheck], { onEvent: (e) => events.push(`${e.type}:${e.type === 'check-end' ? e.result.status : e.id}`) });
    expect(events).toEqual(['check-start:needs-nodes', 'check-end:fail']);
  });
});

describe('thresholds a check declares', () => {
  const seen: Record<string, number>[] = [];
  const declaring = (id: string, name: string, flag: string) =>
    defineDiagnostic<'seen', string>({
      id, title: id, description: 'd', docs: ['https://x'], needs: [], codes,
      thresholds: { [name]: { flag, default: 5, min: 0, integer: true, description: 'd' } },
      check: ({ options }) => {
        seen.push({ ...options });
        return [];
      },
    });

  it('each check gets its own: the value given, else its declared default, and no other check\'s', async () => {
    seen.length = 0;
    await runChecks(buildBaseline(), [declaring('a', 'limitA', 'limit-a'), declaring('b', 'limitB', 'limit-b')], { options: { limitB: 9 } });
    expect(seen).toEqual([{ limitA: 5 }, { limitB: 9 }]);
  });

  it('two checks may not declare the same threshold name or flag: the config key and the flag would be ambiguous', () => {
    expect(() => catalogueThresholds([declaring('a', 'limit', 'limit-a'), declaring('b', 'limit', 'limit-b')])).toThrow(/checks a and b both declare/);
    expect(() => catalogueThresholds([declaring('a', 'limitA', 'limit'), declaring('b', 'limitB', 'limit')])).toThrow(/checks a and b both declare/);
    expect([...catalogueThresholds([declaring('a', 'limitA', 'limit-a')]).keys()]).toEqual(['limitA']);
  });
});
