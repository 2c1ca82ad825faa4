import { Box, Text } from 'ink';
import type { Report } from '../engine/report.js';
import type { ApiServerAccess } from '../snapshot/types.js';
import { pendingHeader } from './first-frame.js';
import { useColor } from './theme.js';

/** Three lines, who and where: the cluster, the identity in use, and how (or why not) the Kubernetes API was read. */
export function Header({ report, target }: { report?: Report; target: string }) {
  const color = useColor();
  if (!report) {
    // The same lines as the first frame drawn before ink loaded: no jump when ink takes over.
    const [title, identity, access] = pendingHeader(target);
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">{title}</Text>
        <Text dimColor wrap="truncate-end">{identity}</Text>
        <Text dimColor wrap="truncate-end">{access}</Text>
      </Box>
    );
  }
  const access = report.kubernetesAccess;
  const identity = report.identity?.arn ? `identity ${report.identity.arn}` : 'identity unknown';
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        eks-doctor · {clusterText(report)}
      </Text>
      <Text wrap="truncate-end">{identity}</Text>
      <Text wrap="truncate-end" color={access && !access.reachable && color ? 'yellow' : undefined}>
        {accessText(access)}
      </Text>
    </Box>
  );
}

export function clusterText(report: Report): string {
  const c = report.cluster;
  const parts = [`cluster ${c.name}`];
  if (c.version) parts.push(`Kubernetes ${c.version}`);
  parts.push(c.region);
  if (c.accountId) parts.push(`account ${c.accountId}`);
  if (c.status && c.status !== 'ACTIVE') parts.push(`status ${c.status}`);
  if (report.snapshot.scenario) parts.push(`scenario ${report.snapshot.scenario}`);
  return parts.join(' · ');
}

const METHODS: Record<ApiServerAccess['method'], string> = {
  'eks-token': 'an EKS token',
  kubeconfig: 'kubeconfig',
  'in-cluster': 'the in-cluster service account',
  none: 'no configured method',
};

export function accessText(access: ApiServerAccess | undefined): string {
  if (!access) return 'Kubernetes API not read (no Kubernetes data in this snapshot)';
  const via = `${METHODS[access.method]}${access.context ? ` (context ${access.context})` : ''}`;
  if (access.reachable) return `Kubernetes API reached with ${via}${access.server ? ` at ${access.server}` : ''}`;
  // Why first: the line is cut at the terminal's width, and the reason is what the engineer needs.
  return `Kubernetes API NOT reached: ${access.failure ? `${access.failure.kind}: ${access.failure.message}` : 'no reason recorded'} (with ${via})`;
}
