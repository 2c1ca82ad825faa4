/**
 * EKS cluster insights (eks:ListInsights): what Amazon EKS itself found wrong or risky, such as
 * deprecated APIs still in use before an upgrade, kubelet version skew, or a misconfiguration.
 * Insights in ERROR or WARNING become findings; one EKS could not evaluate (UNKNOWN) is info. An
 * upgrade-readiness insight does not break the cluster today, so it is at most a warning; a
 * misconfiguration insight in ERROR is critical.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource } from '../src/engine/resources.js';
import type { Insight, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';


type Code = 'insight-error' | 'insight-warning' | 'insight-unknown';

export default defineDiagnostic<Code>({
  id: 'eks-insights',
  title: 'Amazon EKS cluster insights pass',
  description:
    'Reports the cluster insights Amazon EKS computes (upgrade readiness, misconfiguration) whose status is ERROR or WARNING, with the reason EKS gives and the command to read its recommendation.',
  docs: [DOCS.clusterInsights, DOCS.apiListInsights],
  needs: ['aws.insights'],
  codes: {
    'insight-error': {
      severity: 'warning',
      title: 'An EKS cluster insight is in ERROR',
      description:
        'Amazon EKS found a problem: for upgrade readiness, upgrading to the insight\'s Kubernetes version would break something (removed APIs still called, kubelets too old); for misconfiguration (critical), something is wrong now.',
    },
    'insight-warning': {
      severity: 'info',
      title: 'An EKS cluster insight is in WARNING',
      description: 'Amazon EKS found something to address before it becomes a problem, typically before the next Kubernetes upgrade; a misconfiguration warning is a warning.',
    },
    'insight-unknown': {
      severity: 'info',
      title: 'Amazon EKS could not evaluate an insight',
      description: 'The insight\'s status is UNKNOWN: Amazon EKS had not enough data to evaluate it (for example no recent API traffic).',
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    for (const insight of [...(snapshot.aws.insights ?? [])].sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''))) {
      const status = insight.insightStatus?.status;
      if (status === 'ERROR' || status === 'WARNING' || status === 'UNKNOWN') findings.push(insightFinding(snapshot, insight, status));
    }
    return findings;
  },
});

function insightFinding(snapshot: Snapshot, insight: Insight, status: 'ERROR' | 'WARNING' | 'UNKNOWN'): NewFinding<Code> {
  const misconfiguration = insight.category === 'MISCONFIGURATION';
  const code: Code = status === 'ERROR' ? 'insight-error' : status === 'WARNING' ? 'insight-warning' : 'insight-unknown';
  const severity = status === 'ERROR' ? (misconfiguration ? 'critical' : 'warning') : status === 'WARNING' ? (misconfiguration ? 'warning' : 'info') : 'info';
  const name = insight.name ?? insight.id ?? 'unnamed insight';
  const category = (insight.category ?? 'UNKNOWN').toLowerCase().replace(/_/g, ' ');
  const version = insight.kubernetesVersion ? ` for Kubernetes ${insight.kubernetesVersion}` : '';
  const description = (insight.description ?? '').trim();
  return {
    code,
    keyResource: insight.id ?? name,
    severity,
    title: `EKS insight ${status}: ${name}${version}`,
    rootCause: `Amazon EKS evaluates this ${category} insight${version} as ${status}: ${(insight.insightStatus?.reason ?? 'no reason given').replace(/\.$/, '')}.`,
    evidence: [
      `Insight ${insight.id ?? '?'} (${category}${version}) is ${status} since ${insight.lastTransitionTime ?? 'an unknown time'}, last refreshed ${insight.lastRefreshTime ?? 'at an unknown time'}.`,
      ...(description ? [`What it checks: ${description.split('\n')[0]}`] : []),
    ],
    resources: [resource.cluster(snapshot.cluster.name)],
    fix: {
      summary: status === 'UNKNOWN' ? 'Nothing to fix yet; look again after EKS refreshes the insight.' : 'Read the insight\'s recommendation and the resources it lists, fix them, and EKS re-evaluates it within a day.',
      commands: [`aws eks describe-insight --cluster-name ${snapshot.cluster.name} --id ${insight.id ?? '<insight-id>'} --region ${snapshot.cluster.region}`],
      docs: [DOCS.clusterInsights],
    },
  };
}
