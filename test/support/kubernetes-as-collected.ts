/**
 * What collecting a served Kubernetes side keeps of it: pods are projected (sanitizePod), and
 * ReplicaSets and Jobs cut to their ownership (sanitizeOwner), so a
 * round trip compares the collected pods with the projection of the served ones. That the
 * projection loses nothing a check reads is proved separately (test/snapshot-sanitize.test.ts).
 */
import { sanitizeOwner, sanitizePod, sanitizeProblemPod } from '../../src/snapshot/sanitize.js';
import type { KubernetesData } from '../../src/snapshot/types.js';

export function kubernetesAsCollected<K extends KubernetesData>(kubernetes: K): K {
  return {
    ...kubernetes,
    ...(kubernetes.kubeSystemPods ? { kubeSystemPods: kubernetes.kubeSystemPods.map(sanitizePod) } : {}),
    ...(kubernetes.problemPods ? { problemPods: kubernetes.problemPods.map(sanitizeProblemPod) } : {}),
    ...(kubernetes.replicaSets ? { replicaSets: kubernetes.replicaSets.map(sanitizeOwner) } : {}),
    ...(kubernetes.jobs ? { jobs: kubernetes.jobs.map(sanitizeOwner) } : {}),
    ...(kubernetes.crashLoopPods ? { crashLoopPods: kubernetes.crashLoopPods.map(sanitizePod) } : {}),
  };
}
