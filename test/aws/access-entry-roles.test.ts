/**
 * Roles behind access entries for people and tools are looked up with iam:GetRole (does the
 * principal still exist?) but not their attached policies, which no check reads: a STANDARD entry
 * for a deleted role is found on a live cluster, not only in a hand-made snapshot.
 */
import { describe, expect, it } from 'vitest';
import { startAwsMock } from '../../mocks/aws-mock/index.js';
import { ADMIN_ROLE_ARN, buildBaseline } from '../../mocks/scenario-builder/baseline.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import { planFromParts } from '../../src/collect/plan.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { collectFromMock } from './support.js';

const IAM_PARTS = planFromParts(['aws.cluster', 'aws.accessEntries', 'aws.iamRoles', 'aws.iamAttachedRolePolicies']);

async function collect(snapshot: Snapshot) {
  const mock = await startAwsMock({ snapshots: [snapshot] });
  try {
    const collected = await collectFromMock(snapshot, mock.url, { plan: IAM_PARTS });
    const counts = mock.log.countsByAction();
    return { collected, getRole: counts.get('iam:GetRole') ?? 0, listAttached: counts.get('iam:ListAttachedRolePolicies') ?? 0 };
  } finally {
    await mock.close();
  }
}

describe('roles behind STANDARD access entries', () => {
  it('a deleted one is recorded as not found and reported by access-entries; its policies are not listed', async () => {
    const healthy = buildBaseline();
    const sick = buildBaseline();
    const deleted = ADMIN_ROLE_ARN.replace('platform-admin', 'team-payments-deploy');
    const template = sick.aws.accessEntries!.find((e) => e.type === 'STANDARD')!;
    sick.aws.accessEntries!.push({ ...template, principalArn: deleted, username: 'team-payments-deploy', accessEntryArn: `${template.accessEntryArn}-payments` });

    const before = await collect(healthy);
    const after = await collect(sick);
    expect(before.collected.aws.notFound ?? []).toEqual([]);
    expect(after.collected.aws.notFound).toContainEqual(expect.objectContaining({ resourceType: 'iam-role', id: deleted, call: 'iam:GetRole' }));
    expect(after.getRole).toBe(before.getRole + 1);
    expect(after.listAttached).toBe(before.listAttached);

    const report = await diagnoseSnapshot(after.collected, { diagnostics: await loadDiagnostics(), toolVersion: 'test', generatedAt: new Date(after.collected.capturedAt) });
    expect(report.findings.filter((f) => f.id === 'access-entries/principal-not-found').map((f) => f.resources.map((r) => r.id))).toEqual([expect.arrayContaining([deleted])]);
  });
});
