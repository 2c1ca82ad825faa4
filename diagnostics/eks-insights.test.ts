import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import type { Snapshot } from '../src/snapshot/types.js';
import eksInsights from './eks-insights.js';

const DEPRECATED = '8a1b2c3d-0000-4444-8888-000000000001';
const SKEW = '8a1b2c3d-0000-4444-8888-000000000002';

function withStatus(id: string, status: 'ERROR' | 'WARNING' | 'UNKNOWN', reason: string, category?: 'MISCONFIGURATION'): Snapshot {
  return mutate((s) => {
    const insight = s.aws.insights!.find((i) => i.id === id)!;
    insight.insightStatus = { status, reason };
    if (category) insight.category = category;
  });
}

describeDiagnostic(eksInsights, {
  healthy: [{ name: 'baseline: every insight PASSING', snapshot: mutate(() => {}) }],
  broken: [
    {
      name: 'deprecated APIs in use before the upgrade: ERROR, a warning',
      snapshot: withStatus(DEPRECATED, 'ERROR', 'Deprecated API usage detected within the last 30 days.'),
      expect: [{ id: 'eks-insights/insight-error', resource: 'shop-prod', severity: 'warning' as const, mentions: 'Deprecated API usage detected' }],
    },
    {
      name: 'a misconfiguration in ERROR is critical',
      snapshot: withStatus(SKEW, 'ERROR', 'Hybrid nodes cannot reach the webhook.', 'MISCONFIGURATION'),
      expect: [{ id: 'eks-insights/insight-error', resource: 'shop-prod', severity: 'critical' as const }],
    },
    {
      name: 'kubelet skew WARNING is info',
      snapshot: withStatus(SKEW, 'WARNING', 'Some node kubelet versions are one minor version behind.'),
      expect: [{ id: 'eks-insights/insight-warning', resource: 'shop-prod', severity: 'info' as const }],
    },
    {
      name: 'an insight EKS could not evaluate',
      snapshot: withStatus(DEPRECATED, 'UNKNOWN', 'Not enough data.'),
      expect: [{ id: 'eks-insights/insight-unknown', severity: 'info' as const }],
    },
  ],
  errors: [
    failedPart('insights could not be listed', { part: 'aws.insights', call: 'eks:ListInsights', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized', permission: 'eks:ListInsights' }, 'eks:ListInsights'),
  ],
});

describe('eks-insights details', () => {
  it('gives the describe-insight command for the insight at hand', () => {
    const [f] = runDiagnostic(eksInsights, withStatus(DEPRECATED, 'ERROR', 'Deprecated API usage detected within the last 30 days.'));
    expect(f!.fix.commands).toEqual([`aws eks describe-insight --cluster-name shop-prod --id ${DEPRECATED} --region eu-west-1`]);
    expect(f!.title).toBe('EKS insight ERROR: Deprecated APIs removed in Kubernetes v1.36 for Kubernetes 1.36');
  });
});

it('ends the root cause with one full stop when EKS ends its reason with one', () => {
  const [finding] = runDiagnostic(eksInsights, withStatus(DEPRECATED, 'ERROR', 'Deprecated API usage detected within the last 30 days.'));
  expect(finding!.rootCause).toMatch(/within the last 30 days\.$/);
  expect(finding!.rootCause).not.toContain('..');
});
