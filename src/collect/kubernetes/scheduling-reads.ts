/**
 * The reads behind "pods that cannot be scheduled": discovery, claims and volumes, the owners that
 * group pods by workload, the cluster-autoscaler (its Deployment, status ConfigMap and scale-up
 * events) and the node provisioners' custom resources. Registered in KUBERNETES_READS
 * (collect-kubernetes.ts); docs/kubernetes.md lists the same.
 *
 * Custom resources are read only when discovery (GET /apis) lists their group: a cluster without
 * Karpenter answers 404 for /apis/karpenter.sh/v1/nodepools, which is not a failure but a fact, and
 * asking would cost a request per missing kind. Their parts are then `[]`, and checks tell "not
 * installed" from "installed, no NodePool" by `apiGroups`.
 */
import { clusterAutoscalerSettings, isClusterAutoscaler } from '../../domain/cluster-autoscaler.js';
import { projectKind, sanitizeOwner, sanitizeWorkload, stripKubernetesMetadata, type KIND_FIELDS } from '../../snapshot/sanitize.js';
import type { NodeClaim } from '../../snapshot/node-provisioning-types.js';
import { KubernetesRequestError } from './failure.js';
import { getExisting, listRead, type KubernetesRead, type ReadContext } from './kubernetes-read.js';

interface ApiGroup {
  name: string;
  versions?: { groupVersion?: string; version?: string }[];
}

/** The Normal events that say what the autoscalers did about a pod, read by reason (never all Normal events). */
export const SCALING_EVENT_REASONS = ['TriggeredScaleUp', 'NotTriggerScaleUp', 'Nominated'] as const;

const discovery = (c: ReadContext): Promise<ApiGroup[]> => c.once('discovery', async () => (await c.client.get<{ groups?: ApiGroup[] }>('/apis')).groups ?? []);

const clusterAutoscalerDeployments = (c: ReadContext): Promise<unknown[]> =>
  c.once('cluster-autoscalers', async () => (await c.client.list<Parameters<typeof isClusterAutoscaler>[0]>('/apis/apps/v1/deployments')).filter(isClusterAutoscaler).map(sanitizeWorkload));

/** The objects of a custom resource at `group`/v1, or [] when discovery does not list the group. */
async function customResources(c: ReadContext, group: string, resource: string, kind: keyof typeof KIND_FIELDS): Promise<unknown[]> {
  const served = (await discovery(c)).find((g) => g.name === group);
  if (!served) return [];
  if (!served.versions?.some((v) => v.version === 'v1')) {
    const versions = (served.versions ?? []).map((v) => v.groupVersion ?? v.version).join(', ');
    throw new KubernetesRequestError('other', 'UnsupportedVersion', `${group} is served as ${versions || 'no version'} only; eks-doctor reads ${group}/v1 (Karpenter 1.0 and later, EKS Auto Mode)`);
  }
  return c.client.list(`/apis/${group}/v1/${resource}`, {}, projectKind(kind));
}

/** A read of a custom resource at `group`/v1, made only when discovery lists the group. */
function customRead(step: string, group: string, resource: string, kind: keyof typeof KIND_FIELDS, keep: (object: unknown) => boolean = () => true): KubernetesRead {
  const read = listRead({ step, apiGroup: group, version: 'v1', resource, scope: 'cluster' }, async (c) => (await customResources(c, group, resource, kind)).filter(keep));
  return { ...read, resources: [DISCOVERY, ...read.resources] };
}

function notReady(claim: NodeClaim): boolean {
  return claim.status?.conditions?.find((x) => x.type === 'Ready')?.status !== 'True';
}

type SchedulingPart =
  | 'apiGroups'
  | 'persistentVolumeClaims'
  | 'persistentVolumes'
  | 'storageClasses'
  | 'csiDrivers'
  | 'replicaSets'
  | 'jobs'
  | 'clusterAutoscalers'
  | 'clusterAutoscalerStatus'
  | 'scalingEvents'
  | 'claimEvents'
  | 'nodePools'
  | 'nodeClaims'
  | 'ec2NodeClasses'
  | 'autoModeNodeClasses';

const DISCOVERY = { nonResourceURL: '/apis', verb: 'get' } as const;

export const SCHEDULING_READS: Record<SchedulingPart, KubernetesRead> = {
  apiGroups: {
    step: 'API groups (discovery)',
    call: 'GET /apis',
    permission: 'get /apis',
    resources: [DISCOVERY],
    read: (c) => discovery(c),
  },
  persistentVolumeClaims: listRead({ step: 'PersistentVolumeClaims', apiGroup: '', version: 'v1', resource: 'persistentvolumeclaims', scope: 'all-namespaces', project: projectKind('persistentVolumeClaim') }),
  persistentVolumes: listRead({ step: 'PersistentVolumes', apiGroup: '', version: 'v1', resource: 'persistentvolumes', scope: 'cluster', project: projectKind('persistentVolume') }),
  storageClasses: listRead({ step: 'StorageClasses', apiGroup: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', scope: 'cluster', project: projectKind('storageClass') }),
  csiDrivers: listRead({ step: 'CSIDrivers', apiGroup: 'storage.k8s.io', version: 'v1', resource: 'csidrivers', scope: 'cluster', project: projectKind('csiDriver') }),
  replicaSets: listRead({ step: 'ReplicaSets (owners)', apiGroup: 'apps', version: 'v1', resource: 'replicasets', scope: 'all-namespaces', project: sanitizeOwner }),
  jobs: listRead({ step: 'Jobs (owners)', apiGroup: 'batch', version: 'v1', resource: 'jobs', scope: 'all-namespaces', project: sanitizeOwner }),
  clusterAutoscalers: {
    step: 'cluster-autoscaler Deployment',
    call: 'GET /apis/apps/v1/deployments',
    permission: 'list deployments.apps --all-namespaces',
    resources: [{ apiGroup: 'apps', resource: 'deployments', verb: 'list' }],
    read: (c) => clusterAutoscalerDeployments(c),
  },
  clusterAutoscalerStatus: {
    step: 'cluster-autoscaler status',
    call: 'GET /api/v1/namespaces/{namespace}/configmaps/{name}',
    permission: 'get configmaps/cluster-autoscaler-status -n kube-system',
    // The ConfigMap its Deployment names: without the Deployments, none is asked for.
    resources: [
      { apiGroup: '', resource: 'configmaps', verb: 'get', resourceName: 'cluster-autoscaler-status' },
      { apiGroup: 'apps', resource: 'deployments', verb: 'list' },
    ],
    read: async (c) => {
      const targets = new Map<string, { namespace: string; name: string }>();
      for (const deployment of await clusterAutoscalerDeployments(c)) {
        const target = clusterAutoscalerSettings(deployment as Parameters<typeof clusterAutoscalerSettings>[0])?.statusConfigMap;
        if (target) targets.set(`${target.namespace}/${target.name}`, target);
      }
      // One not written yet (the autoscaler never started) is left out: evidence for the check, not a failed read.
      return (await getExisting(c.client, 'configmaps', [...targets.values()])).map(stripKubernetesMetadata);
    },
  },
  scalingEvents: {
    step: 'scale-up events',
    call: `GET /api/v1/events?fieldSelector=reason={${SCALING_EVENT_REASONS.join(',')}}`,
    permission: 'list events --all-namespaces',
    resources: [{ apiGroup: '', resource: 'events', verb: 'list' }],
    // One list per reason: field selectors cannot say "reason in (...)".
    read: async (c) => (await Promise.all(SCALING_EVENT_REASONS.map((reason) => c.client.list('/api/v1/events', { fieldSelector: `reason=${reason}` }, projectKind('event'))))).flat(),
  },
  // One list: what the PersistentVolume controller and the provisioners say about claims while they wait.
  claimEvents: listRead({ step: 'claim events', apiGroup: '', version: 'v1', resource: 'events', scope: 'all-namespaces', fieldSelector: 'involvedObject.kind=PersistentVolumeClaim,type=Normal', project: projectKind('event') }),
  nodePools: customRead('Karpenter NodePools', 'karpenter.sh', 'nodepools', 'nodePool'),
  // One per node: only those not Ready (launching, or failing to) say anything about scheduling.
  nodeClaims: customRead('Karpenter NodeClaims', 'karpenter.sh', 'nodeclaims', 'nodeClaim', (claim) => notReady(claim as NodeClaim)),
  ec2NodeClasses: customRead('Karpenter EC2NodeClasses', 'karpenter.k8s.aws', 'ec2nodeclasses', 'nodeClass'),
  autoModeNodeClasses: customRead('EKS Auto Mode NodeClasses', 'eks.amazonaws.com', 'nodeclasses', 'nodeClass'),
};
