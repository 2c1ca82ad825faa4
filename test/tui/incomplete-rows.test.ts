/** The UI's list closes with the checks that ran without some of their data, after those that could not run (issue 16). */
import { describe, expect, it } from 'vitest';
import { listRows, NO_FILTER } from '../../src/tui/rows.js';
import { makeReport } from './report-fixture.js';

describe('listRows with an incomplete check', () => {
  it('names the check, its verdict and what it could not read, last', () => {
    const report = makeReport();
    const checks = report.checks.map((c) =>
      c.id === 'addons'
        ? {
            ...c,
            incomplete: [
              {
                part: 'aws.reservations' as const,
                reason: 'could not read EC2 instances: ec2:DescribeInstances was denied (UnauthorizedOperation); grant ec2:DescribeInstances',
                failedCalls: [{ call: 'ec2:DescribeInstances', code: 'UnauthorizedOperation', kind: 'denied' as const, permission: 'ec2:DescribeInstances' }],
              },
            ],
          }
        : c,
    );
    const rows = listRows({ ...report, checks }, NO_FILTER).map((r) => (r.kind === 'finding' ? r.finding.key : r.kind === 'check' ? `check ${r.check.id}` : r.text));
    expect(rows.slice(-2)).toEqual([
      'CHECKS THAT RAN WITHOUT SOME OF THEIR DATA (1)',
      'incomplete addons (pass): could not read EC2 instances: ec2:DescribeInstances was denied (UnauthorizedOperation); grant ec2:DescribeInstances',
    ]);
    // Without it, the list is unchanged.
    expect(listRows(report, NO_FILTER).map((r) => (r.kind === 'finding' ? r.finding.key : r.kind === 'check' ? `check ${r.check.id}` : r.text))).not.toContain('CHECKS THAT RAN WITHOUT SOME OF THEIR DATA (1)');
  });
});
