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
import { sanitizeOwner, sanitizeWorkload, stripKubernetesMetadata } from '../../snapshot/sanitize.js';
import type { NodeClaim } from '../../snapshot/node-provisioning-types.js';
import type { KubernetesRead, ReadContext } from './collect-kubernetes.js';
import { KubernetesRequestError } from './failure.js';

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
async function customResources(c: ReadContext, group: string, resource: string): Promise<unknown[]> {
  const served = (await discovery(c)).find((g) => g.name === group);
  if (!served) return [];
  if (!served.versions?.some((v) => v.version === 'v1')) {
    const versions = (served.versions ?? []).map((v) => v.groupVersion ?? v.version).join(', ');
    throw new KubernetesRequestError('other', 'UnsupportedVersion', `${group} is served as ${versions || 'no version'} only; eks-doctor reads ${group}/v1 (Karpenter 1.0 and later, EKS Auto Mode)`);
  }
  return c.client.list(`/apis/${group}/v1/${resource}`, {}, stripKubernetesMetadata);
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
  persistentVolumeClaims: {
    step: 'PersistentVolumeClaims',
    call: 'GET /api/v1/persistentvolumeclaims',
    permission: 'list persistentvolumeclaims --all-namespaces',
    resources: [{ apiGroup: '', resource: 'persistentvolumeclaims', verb: 'list' }],
    read: (c) => c.client.list('/api/v1/persistentvolumeclaims', {}, stripKubernetesMetadata),
  },
  persistentVolumes: {
    step: 'PersistentVolumes',
    call: 'GET /api/v1/persistentvolumes',
    permission: 'list persistentvolumes',
    resources: [{ apiGroup: '', resource: 'persistentvolumes', verb: 'list' }],
    read: (c) => c.client.list('/api/v1/persistentvolumes', {}, stripKubernetesMetadata),
  },
  storageClasses: {
    step: 'StorageClasses',
    call: 'GET /apis/storage.k8s.io/v1/storageclasses',
    permission: 'list storageclasses.storage.k8s.io',
    resources: [{ apiGroup: 'storage.k8s.io', resource: 'storageclasses', verb: 'list' }],
    read: (c) => c.client.list('/apis/storage.k8s.io/v1/storageclasses', {}, stripKubernetesMetadata),
  },
  csiDrivers: {
    step: 'CSIDrivers',
    call: 'GET /apis/storage.k8s.io/v1/csidrivers',
    permission: 'list csidrivers.storage.k8s.io',
    resources: [{ apiGroup: 'storage.k8s.io', resource: 'csidrivers', verb: 'list' }],
    read: (c) => c.client.list('/apis/storage.k8s.io/v1/csidrivers', {}, stripKubernetesMetadata),
  },
  replicaSets: {
    step: 'ReplicaSets (owners)',
    call: 'GET /apis/apps/v1/replicasets',
    permission: 'list replicasets.apps --all-namespaces',
    resources: [{ apiGroup: 'apps', resource: 'replicasets', verb: 'list' }],
    read: (c) => c.client.list('/apis/apps/v1/replicasets', {}, sanitizeOwner),
  },
  jobs: {
    step: 'Jobs (owners)',
    call: 'GET /apis/batch/v1/jobs',
    permission: 'list jobs.batch --all-namespaces',
    resources: [{ apiGroup: 'batch', resource: 'jobs', verb: 'list' }],
    read: (c) => c.client.list('/apis/batch/v1/jobs', {}, sanitizeOwner),
  },
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
      const found = await Promise.all(
        [...targets.values()].map(async ({ namespace, name }) => {
          try {
            return stripKubernetesMetadata(await c.client.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`));
          } catch (error) {
            // Not written yet (the autoscaler never started): evidence for the check, not a failed read.
            if (error instanceof KubernetesRequestError && error.kind === 'not-found') return undefined;
            throw error;
          }
        }),
      );
      return found.filter((m) => m !== undefined);
    },
  },
  scalingEvents: {
    step: 'scale-up events',
    call: `GET /api/v1/events?fieldSelector=reason={${SCALING_EVENT_REASONS.join(',')}}`,
    permission: 'list events --all-namespaces',
    resources: [{ apiGroup: '', resource: 'events', verb: 'list' }],
    // One list per reason: field selectors cannot say "reason in (...)".
    read: async (c) => (await Promise.all(SCALING_EVENT_REASONS.map((reason) => c.client.list('/api/v1/events', { fieldSelector: `reason=${reason}` }, stripKubernetesMetadata)))).flat(),
  },
  nodePools: {
    step: 'Karpenter NodePools',
    call: 'GET /apis/karpenter.sh/v1/nodepools',
    permission: 'list nodepools.karpenter.sh',
    resources: [DISCOVERY, { apiGroup: 'karpenter.sh', resource: 'nodepools', verb: 'list' }],
    read: (c) => customResources(c, 'karpenter.sh', 'nodepools'),
  },
  nodeClaims: {
    step: 'Karpenter NodeClaims',
    call: 'GET /apis/karpenter.sh/v1/nodeclaims',
    permission: 'list nodeclaims.karpenter.sh',
    resources: [DISCOVERY, { apiGroup: 'karpenter.sh', resource: 'nodeclaims', verb: 'list' }],
    // One per node: only those not Ready (launching, or failing to) say anything about scheduling.
    read: async (c) => ((await customResources(c, 'karpenter.sh', 'nodeclaims')) as NodeClaim[]).filter(notReady),
  },
  ec2NodeClasses: {
    step: 'Karpenter EC2NodeClasses',
    call: 'GET /apis/karpenter.k8s.aws/v1/ec2nodeclasses',
    permission: 'list ec2nodeclasses.karpenter.k8s.aws',
    resources: [DISCOVERY, { apiGroup: 'karpenter.k8s.aws', resource: 'ec2nodeclasses', verb: 'list' }],
    read: (c) => customResources(c, 'karpenter.k8s.aws', 'ec2nodeclasses'),
  },
  autoModeNodeClasses: {
    step: 'EKS Auto Mode NodeClasses',
    call: 'GET /apis/eks.amazonaws.com/v1/nodeclasses',
    permission: 'list nodeclasses.eks.amazonaws.com',
    resources: [DISCOVERY, { apiGroup: 'eks.amazonaws.com', resource: 'nodeclasses', verb: 'list' }],
    read: (c) => customResources(c, 'eks.amazonaws.com', 'nodeclasses'),
  },
};
