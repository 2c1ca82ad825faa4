/**
 * What collecting a served Kubernetes side keeps of it: pods are projected (sanitizePod), ReplicaSets
 * and Jobs cut to their ownership (sanitizeOwner), and the other kinds read in bulk to their
 * KIND_FIELDS, as the collector's reads do; so a round trip compares the collected objects with the
 * projection of the served ones. That the projections lose nothing a check reads is proved
 * separately (test/snapshot-sanitize.test.ts).
 */
import { projectKind, sanitizeOwner, sanitizePod, sanitizeProblemPod } from '../../src/snapshot/sanitize.js';
import type { KubernetesData, KubernetesListPart } from '../../src/snapshot/types.js';

/** Each projected part and the projection its read applies (src/collect/kubernetes/collect-kubernetes.ts, scheduling-reads.ts). */
export const COLLECTED_PROJECTIONS: Partial<Record<KubernetesListPart, <T>(object: T) => T>> = {
  kubeSystemPods: sanitizePod,
  problemPods: sanitizeProblemPod,
  replicaSets: sanitizeOwner,
  jobs: sanitizeOwner,
  warningEvents: projectKind('event'),
  scalingEvents: projectKind('event'),
  webhookEndpointSlices: projectKind('endpointSlice'),
  webhookDeployments: projectKind('webhookDeployment'),
  persistentVolumeClaims: projectKind('persistentVolumeClaim'),
  persistentVolumes: projectKind('persistentVolume'),
  storageClasses: projectKind('storageClass'),
  csiDrivers: projectKind('csiDriver'),
  nodePools: projectKind('nodePool'),
  nodeClaims: projectKind('nodeClaim'),
  ec2NodeClasses: projectKind('nodeClass'),
  autoModeNodeClasses: projectKind('nodeClass'),
  claimEvents: projectKind('event'),
  crashLoopPods: sanitizePod,
};

export function kubernetesAsCollected<K extends KubernetesData>(kubernetes: K): K {
  const collected = { ...kubernetes } as Record<string, unknown>;
  for (const [part, project] of Object.entries(COLLECTED_PROJECTIONS)) {
    const list = collected[part];
    if (Array.isArray(list)) collected[part] = list.map(project);
  }
  return collected as K;
}
