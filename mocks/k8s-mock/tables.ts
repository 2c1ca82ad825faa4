/**
 * The Table form of a list (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which kubectl
 * get asks for: the API server prints the rows itself, so kubectl shows the same columns for a real
 * cluster and for the mock. Columns and cells follow the apiserver's printers, from memory of
 * kubernetes pkg/printers/internalversion/printers.go (nodeColumnDefinitions/printNode,
 * podColumnDefinitions/printPod) and the ages of apimachinery pkg/util/duration HumanDuration.
 * The server prints every column (wide ones too, at priority 1); kubectl shows those only with -o wide.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';

interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer';
  format: string;
  description: string;
  priority: number;
}

interface KubeObject {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string | Date; uid?: string; resourceVersion?: string; labels?: Record<string, string> };
}

const NAME: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };
const AGE: ColumnDefinition = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 };
const column = (name: string, description: string, priority = 0, type: ColumnDefinition['type'] = 'string'): ColumnDefinition => ({ name, type, format: '', description, priority });

const NODE_COLUMNS: ColumnDefinition[] = [
  NAME,
  column('Status', 'The status of the node'),
  column('Roles', 'The roles of the node'),
  AGE,
  column('Version', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses', 1),
  column('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses', 1),
  column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
  column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
  column('Container-Runtime', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
];

const POD_COLUMNS: ColumnDefinition[] = [
  NAME,
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE,
  column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  column('Node', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.', 1),
  column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.', 1),
  column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', 1),
];

/** apimachinery duration.HumanDuration: "45s", "3m20s", "5h12m", "12d", "2y30d". */
export function humanDuration(ms: number): string {
  if (ms < -1000) return '<invalid>';
  if (ms < 0) return '0s';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(timestamp: string | Date | undefined, now: number): string {
  if (timestamp === undefined) return '<unknown>';
  return humanDuration(now - new Date(timestamp).getTime());
}

function nodeRow(node: V1Node, now: number): unknown[] {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown', ...(node.spec?.unschedulable ? ['SchedulingDisabled'] : [])];
  // findNodeRoles: node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role label.
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
  }
  const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
  const info = node.status?.nodeInfo;
  return [
    node.metadata?.name,
    status.join(','),
    roles.size > 0 ? [...roles].sort().join(',') : '<none>',
    since(node.metadata?.creationTimestamp, now),
    info?.kubeletVersion ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    info?.osImage || '<unknown>',
    info?.kernelVersion || '<unknown>',
    info?.containerRuntimeVersion || '<unknown>',
  ];
}

/** printPod, without the sidecar (restartable init container) and terminating-pod refinements. */
function podRow(pod: V1Pod, now: number): unknown[] {
  const spec = pod.spec;
  const status = pod.status;
  let reason: string = status?.reason || status?.phase || '';
  if (status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const total = spec?.containers.length ?? 0;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  const noteRestart = (finishedAt: string | Date | undefined) => {
    if (finishedAt !== undefined) lastRestart = Math.max(lastRestart, new Date(finishedAt).getTime());
  };
  let initializing = false;
  const initStatuses = status?.initContainerStatuses ?? [];
  for (const [i, c] of initStatuses.entries()) {
    restarts += c.restartCount;
    noteRestart(c.lastState?.terminated?.finishedAt);
    const terminated = c.state?.terminated;
    if (terminated && terminated.exitCode === 0) continue;
    if (terminated) reason = terminated.reason ? `Init:${terminated.reason}` : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${spec?.initContainers?.length ?? initStatuses.length}`;
    initializing = true;
    break;
  }
  const initialized = status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    restarts = 0;
    lastRestart = 0;
    let running = false;
    const statuses = status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount;
      noteRestart(c.lastState?.terminated?.finishedAt);
      const terminated = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        running = true;
        ready++;
      }
    }
    if (reason === 'Completed' && running) reason = status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp && status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && status?.phase !== 'Succeeded' && status?.phase !== 'Failed') reason = 'Terminating';
  const restartText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates = spec?.readinessGates ?? [];
  const gatesText = gates.length > 0 ? `${gates.filter((g) => status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}` : '<none>';
  return [
    pod.metadata?.name,
    `${ready}/${total}`,
    reason,
    restartText,
    since(pod.metadata?.creationTimestamp, now),
    status?.podIPs?.[0]?.ip || status?.podIP || '<none>',
    spec?.nodeName || '<none>',
    status?.nominatedNodeName || '<none>',
    gatesText,
  ];
}

const PRINTERS: Record<string, { columns: ColumnDefinition[]; row: (object: never, now: number) => unknown[] }> = {
  nodes: { columns: NODE_COLUMNS, row: nodeRow },
  pods: { columns: POD_COLUMNS, row: podRow },
};

/** Whether the client asked for a Table (kubectl get does; client libraries ask for plain JSON). */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

/** The Table of these objects, or undefined for a resource the mock has no printer for (kubectl then prints NAME and AGE). */
export function tableOf(resource: string, objects: unknown[], options: { resourceVersion?: string; continue?: string; now?: number }): unknown | undefined {
  const printer = PRINTERS[resource];
  if (!printer) return undefined;
  const now = options.now ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: options.resourceVersion ?? '1', ...(options.continue ? { continue: options.continue } : {}) },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({
      cells: printer.row(object as never, now),
      // kubectl reads the namespace (for -A) and the name from the row's object: its metadata is enough.
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (object as KubeObject).metadata ?? {} },
    })),
  };
}
