/**
 * Containers that keep crashing (CrashLoopBackOff). Their pods are Running, so they are not among
 * the pods not running; the collector finds them through the kubelet's Warning BackOff events
 * ("Back-off restarting failed container <c> in pod <pod>", src/domain/kubelet-back-off.ts) and
 * reads them by name, at most 50 (kubernetes.crashLoopPods), so the requests stay bounded however
 * many pods crash. Grouped by workload (a ReplicaSet under its Deployment) and by how the
 * containers end (OOMKilled or exiting by themselves), with each container's last termination
 * reason, exit code and restart count; the ServiceAccount the pods run as is named, so a broken
 * IRSA or Pod Identity role for it (irsa-pod-identity) explains them. Others stay symptoms with
 * their evidence and what was ruled out.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import { MAX_CRASH_LOOP_PODS, podsBackingOff } from '../src/domain/kubelet-back-off.js';
import type { KubePod, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';
import { containerLogCommands } from './lib/container-logs.js';
import { cappedLines, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResolver, workloadResource } from './lib/workload-owner.js';

/** Containers quoted per workload. */
const QUOTED = 5;

/** The kubelet's waiting reason while it backs off restarting a container (pkg/kubelet/container/sync_result.go, ErrCrashLoopBackOff). */
const CRASH_LOOP_BACK_OFF = 'CrashLoopBackOff';
/** The termination reason when the kernel's OOM killer ended the container (containerd / the kubelet's cri_stats: "OOMKilled"). */
const OOM_KILLED = 'OOMKilled';

interface Crash {
  pod: KubePod;
  podId: string;
  container: string;
  restarts: number;
  reason: string;
  exitCode?: number;
  message?: string;
}

export default defineDiagnostic<'crash-looping'>({
  id: 'crash-loops',
  title: 'Containers do not crash-loop',
  description:
    `Reads the pods the kubelet's recent BackOff events name ("Back-off restarting failed container"), at most ${MAX_CRASH_LOOP_PODS} by name, and reports the containers waiting in CrashLoopBackOff grouped by workload, ` +
    'with the last termination reason, exit code and restart count, naming the ServiceAccount so a broken IRSA or Pod Identity role can explain them.',
  needs: ['kubernetes.crashLoopPods'],
  // The events say how many crash-looping pods were not read; the owners lift a ReplicaSet to its Deployment.
  uses: ['kubernetes.warningEvents', 'kubernetes.replicaSets', 'kubernetes.jobs'],
  docs: [DOCS.k8sDebugPods, DOCS.troubleshooting],
  codes: {
    'crash-looping': {
      severity: 'warning',
      title: 'Containers keep crashing (CrashLoopBackOff)',
      description:
        'A container exits again and again and the kubelet backs off restarting it (up to five minutes between tries). The last termination says how: OOMKilled (exit 137: over its memory limit), Error with an exit code from the application, or a signal. In kube-system it is critical.',
      symptom: 'pod-crash-looping',
      whenUnexplained: "No AWS-side cause was found (the ServiceAccount's IRSA or Pod Identity role works as far as IAM and EKS show): the container's own previous log says why it exits.",
    },
  },
  check({ snapshot }) {
    const crashes = crashingContainers(snapshot);
    if (crashes.length === 0) return [];
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    const unread = unreadBackingOff(snapshot);
    const findings: NewFinding<'crash-looping'>[] = [];
    for (const group of groupByWorkload(crashes, (c) => ({ workload: workloadOf(c.pod), reason: c.reason === OOM_KILLED ? OOM_KILLED : 'exits' }))) {
      const what = describeWorkload(group.workload);
      const oom = group.reason === OOM_KILLED;
      const serviceAccounts = [...new Set(group.members.map((c) => `${c.pod.metadata?.namespace}/${c.pod.spec?.serviceAccountName ?? 'default'}`))];
      const first = group.members[0]!;
      const maxRestarts = Math.max(...group.members.map((c) => c.restarts));
      findings.push({
        code: 'crash-looping',
        ...(group.workload.namespace === 'kube-system' ? { severity: 'critical' as const } : {}),
        keyResource: `${workloadResource(group.workload).id}:${group.reason}`,
        title: `${what} keeps crashing${oom ? ': OOMKilled' : ''} (${group.members.length} container${group.members.length === 1 ? '' : 's'}, up to ${maxRestarts} restarts)`,
        rootCause: oom
          ? `The containers of ${what} are killed for using more memory than their limit (OOMKilled, exit 137), and the kubelet backs off restarting them.`
          : `The containers of ${what} exit by themselves (last: ${first.reason}${first.exitCode !== undefined ? `, exit code ${first.exitCode}` : ''}) and the kubelet backs off restarting them; their previous logs say why.`,
        evidence: [
          ...cappedLines(group.members.map(describeCrash), QUOTED, 'containers'),
          `Runs as ServiceAccount ${serviceAccounts.join(', ')}.`,
          ...(unread > 0 ? [`BackOff events name ${unread} more crash-looping pod(s) that were not read (at most ${MAX_CRASH_LOOP_PODS} are, the most recent first).`] : []),
        ],
        resources: uniqueRefs([
          workloadResource(group.workload),
          ...group.members.slice(0, QUOTED).map((c) => resource.pod(c.podId)),
          ...serviceAccounts.map((sa) => resource.serviceAccount(sa)),
        ]),
        fix: {
          summary: oom ? `Raise the memory limit of ${what} (or find what makes it grow), then let the pods restart.` : `Read the previous container log of ${first.podId}: the application says why it exits.`,
          commands: [...containerLogCommands(first.pod, { container: first.container }), describeWorkloadCommand(group.workload)],
          docs: [DOCS.k8sDebugPods],
        },
      });
    }
    return findings;
  },
});

/** Every container of the pods read that waits in CrashLoopBackOff now (one that runs again is no longer crashing). */
function crashingContainers(snapshot: Snapshot): Crash[] {
  const crashes: Crash[] = [];
  for (const pod of snapshot.kubernetes.crashLoopPods ?? []) {
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (status.state?.waiting?.reason !== CRASH_LOOP_BACK_OFF) continue;
      const last = status.lastState?.terminated;
      crashes.push({
        pod,
        podId: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
        container: status.name,
        restarts: status.restartCount ?? 0,
        reason: last?.reason ?? 'unknown',
        ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
        ...(last?.message ? { message: last.message.trim() } : {}),
      });
    }
  }
  return crashes;
}

function describeCrash(c: Crash): string {
  return `${c.podId} container ${c.container}: CrashLoopBackOff, ${c.restarts} restarts, last terminated ${c.reason}${c.exitCode !== undefined ? ` (exit code ${c.exitCode})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

/** Pods the BackOff events name beyond those the collector reads (the MAX_CRASH_LOOP_PODS most recent). */
function unreadBackingOff(snapshot: Snapshot): number {
  const events = snapshot.kubernetes.warningEvents;
  return events ? Math.max(0, podsBackingOff(events, new Date(snapshot.capturedAt)).length - MAX_CRASH_LOOP_PODS) : 0;
}
