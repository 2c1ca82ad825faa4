/**
 * Which log of a container there is to read. A fix that says "read the log" must point at a log
 * that exists: `kubectl logs --previous` answers only for a container that ran and exited
 * (status.containerStatuses[].lastState.terminated), and a container still waiting to start for
 * the first time (ErrImagePull, ImagePullBackOff, CreateContainerConfigError) has no log at all:
 * its reason is in the pod's events, which `kubectl describe pod` shows.
 */
import type { KubePod } from '../../src/snapshot/types.js';

export type ContainerLog = 'previous' | 'current' | 'none';

/** The log a container has: the one before its last restart, the current one, or none (it never ran). */
export function containerLog(pod: KubePod, container?: string): ContainerLog {
  const statuses = pod.status?.containerStatuses ?? [];
  const status = container === undefined ? statuses[0] : statuses.find((s) => s.name === container);
  if (!status) return 'none';
  if (status.lastState?.terminated) return 'previous';
  if (status.state?.running || status.state?.terminated) return 'current';
  return 'none';
}

/**
 * `kubectl logs` for the log the container has (`--previous` only after a restart), or nothing
 * when it never ran: then `kubectl describe pod` is the command that shows why.
 */
export function containerLogCommands(pod: KubePod, options: { container?: string; tail?: number } = {}): string[] {
  const log = containerLog(pod, options.container);
  if (log === 'none') return [];
  const container = options.container ? ` -c ${options.container}` : '';
  return [`kubectl logs -n ${pod.metadata?.namespace ?? 'default'} ${pod.metadata?.name}${container}${log === 'previous' ? ' --previous' : ''} --tail=${options.tail ?? 50}`];
}
