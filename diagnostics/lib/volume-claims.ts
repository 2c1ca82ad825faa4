/**
 * Pods' PersistentVolumeClaims, the StorageClasses and volumes behind them, and the provisioners
 * that should create them, read once per run and shared by the storage checks (claim-unbound,
 * volume-zones).
 *
 * Names as Kubernetes itself resolves them (from memory of pkg/apis/core/v1/helper and
 * staging/src/k8s.io/component-helpers/storage/volume/helpers.go):
 * - a claim's class is the deprecated `volume.beta.kubernetes.io/storage-class` annotation when
 *   present, else `spec.storageClassName`; absent (nil) and "" differ: nil may be given the default
 *   class (retroactively since Kubernetes 1.28), "" asks for no class (only an existing volume binds);
 * - a generic ephemeral volume's claim is named `<pod>-<volume>` (ephemeral.VolumeClaimName);
 * - the default classes carry `storageclass.kubernetes.io/is-default-class: "true"` (or the beta
 *   annotation);
 * - in-tree provisioners whose volumes CSI migration hands to a CSI driver (on by default for
 *   `kubernetes.io/aws-ebs` since 1.23; the in-tree plugin removed in 1.27) are provisioned by that
 *   driver, which the PersistentVolume controller writes into the claim's
 *   `volume.kubernetes.io/storage-provisioner` annotation.
 */
import { ADDON_WORKLOADS } from '../../src/domain/eks-constants.js';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { KubeEvent, KubePersistentVolume, KubePersistentVolumeClaim, KubePod, KubeStorageClass, Snapshot } from '../../src/snapshot/types.js';
import { eventsBySubject, subjectKey, type EventsV1Event, type KubernetesEvent } from './events.js';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** Set by the scheduler on a WaitForFirstConsumer claim once it picked a node for the pod: provisioning may start. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** The class of statically provisioned local volumes: nothing provisions for it. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** The zone keys a volume's node affinity (CSI topology) or labels (in-tree volumes) name. */
export const VOLUME_ZONE_KEYS = ['topology.ebs.csi.aws.com/zone', 'topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'] as const;

/** In-tree provisioner names CSI migration hands to a CSI driver on EKS. */
const MIGRATED_PROVISIONERS: Record<string, string> = { 'kubernetes.io/aws-ebs': 'ebs.csi.aws.com' };

/** The CSI drivers EKS users install, with the add-on and the controller that carry them. */
export interface KnownProvisioner {
  /** What to call it in a sentence. */
  title: string;
  /** The EKS add-on that installs it (absent: built into EKS Auto Mode). */
  addon?: string;
  /** Its controller Deployment in kube-system, whose csi-provisioner sidecar creates the volumes. */
  controller?: string;
  /** The controller's service account, whose IAM role calls EC2/EFS. */
  serviceAccount?: string;
  /** Set for EKS Auto Mode's built-in block storage: installed when the cluster's storageConfig enables it. */
  autoMode?: boolean;
}

export const KNOWN_PROVISIONERS: Readonly<Record<string, KnownProvisioner>> = {
  'ebs.csi.aws.com': { title: 'the Amazon EBS CSI driver', addon: 'aws-ebs-csi-driver', controller: ADDON_WORKLOADS['aws-ebs-csi-driver']?.deployments?.[0] ?? 'ebs-csi-controller', serviceAccount: 'ebs-csi-controller-sa' },
  'efs.csi.aws.com': { title: 'the Amazon EFS CSI driver', addon: 'aws-efs-csi-driver', controller: ADDON_WORKLOADS['aws-efs-csi-driver']?.deployments?.[0] ?? 'efs-csi-controller', serviceAccount: 'efs-csi-controller-sa' },
  'ebs.csi.eks.amazonaws.com': { title: 'EKS Auto Mode block storage', autoMode: true },
};

/** The provisioner that will act on a class's claims: the CSI driver for a migrated in-tree name. */
export function effectiveProvisioner(provisioner: string): string {
  return MIGRATED_PROVISIONERS[provisioner] ?? provisioner;
}

/** The claim's class: a name, '' (explicitly none), or undefined (none given: the default applies). */
export function claimClassName(claim: KubePersistentVolumeClaim): string | undefined {
  const annotated = claim.metadata?.annotations?.[BETA_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  return claim.spec?.storageClassName ?? undefined;
}

export function isDefaultClass(storageClass: KubeStorageClass): boolean {
  const annotations = storageClass.metadata?.annotations ?? {};
  return annotations[DEFAULT_CLASS_ANNOTATION] === 'true' || annotations[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** The claims a pod mounts, by name (persistentVolumeClaim volumes and generic ephemeral volumes). */
export function podClaimNames(pod: KubePod): string[] {
  const podName = pod.metadata?.name ?? '';
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : v.ephemeral ? [`${podName}-${v.name}`] : []));
}

/** A waiting pod's claim, with what the checks need to judge it. */
export interface PodClaim {
  namespace: string;
  name: string;
  /** Undefined when the claim does not exist (the scheduler then says `persistentvolumeclaim "x" not found`). */
  claim?: KubePersistentVolumeClaim;
  /** The Pending pods that mount it. */
  pods: KubePod[];
  /** The claim's events (Normal from claimEvents, Warning from warningEvents), newest first. */
  events: KubernetesEvent[];
}

export interface StorageIndex {
  classes: Map<string, KubeStorageClass>;
  defaults: KubeStorageClass[];
  volumes: Map<string, KubePersistentVolume>;
  csiDrivers: Set<string>;
  /** The claims the snapshot's waiting pods mount, in the order the pods were met. */
  waitingClaims: PodClaim[];
}

function waitingPod(pod: KubePod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.phase ?? 'Pending') === 'Pending';
}

/** The storage objects indexed, and the claims Pending pods wait on (memoised for the run). */
export function storageIndex(snapshot: Snapshot): StorageIndex {
  return memoised(snapshot, 'storage-index', () => {
    const k = snapshot.kubernetes;
    const classes = new Map((k.storageClasses ?? []).map((c) => [c.metadata?.name ?? '', c]));
    const claims = new Map((k.persistentVolumeClaims ?? []).map((c) => [`${c.metadata?.namespace ?? 'default'}/${c.metadata?.name ?? ''}`, c]));
    // Warnings about claims only (either API's shape: involvedObject or regarding); the claim events are all about claims.
    const aboutClaim = (e: KubeEvent | EventsV1Event) => ((e as KubeEvent).involvedObject ?? (e as EventsV1Event).regarding)?.kind === 'PersistentVolumeClaim';
    const events = eventsBySubject([...(k.claimEvents ?? []), ...(k.warningEvents ?? []).filter(aboutClaim)]);
    const waiting = new Map<string, PodClaim>();
    for (const pod of k.problemPods ?? []) {
      if (!waitingPod(pod)) continue;
      const namespace = pod.metadata?.namespace ?? 'default';
      for (const name of podClaimNames(pod)) {
        const key = `${namespace}/${name}`;
        const entry = waiting.get(key);
        if (entry) {
          entry.pods.push(pod);
          continue;
        }
        const claim = claims.get(key);
        waiting.set(key, { namespace, name, ...(claim ? { claim } : {}), pods: [pod], events: events.get(subjectKey('PersistentVolumeClaim', namespace, name)) ?? [] });
      }
    }
    return {
      classes,
      defaults: [...classes.values()].filter(isDefaultClass),
      volumes: new Map((k.persistentVolumes ?? []).map((v) => [v.metadata?.name ?? '', v])),
      csiDrivers: new Set((k.csiDrivers ?? []).map((d) => d.metadata?.name ?? '')),
      waitingClaims: [...waiting.values()],
    };
  });
}

/**
 * The zones a volume is pinned to: the `In` values of its required node affinity on a zone key (CSI
 * volumes: `topology.ebs.csi.aws.com/zone` from the EBS driver's topology, or the well-known
 * `topology.kubernetes.io/zone`), else its zone labels (in-tree and migrated volumes).
 */
export function volumeZones(volume: KubePersistentVolume): string[] {
  const keys: readonly string[] = VOLUME_ZONE_KEYS;
  const zones = new Set<string>();
  for (const term of volume.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) if (keys.includes(e.key) && e.operator === 'In') for (const v of e.values ?? []) zones.add(v);
  }
  if (zones.size === 0) {
    for (const key of keys) {
      const value = volume.metadata?.labels?.[key];
      // In-tree labels may list several zones joined by "__" (regional disks; from memory of volumehelpers.LabelZonesToSet).
      if (value) for (const z of value.split('__')) zones.add(z);
    }
  }
  return [...zones];
}

/** A pod's bound volume, with the zones it is pinned to. */
export interface PinnedVolume {
  claim: string;
  volume: KubePersistentVolume;
  zones: string[];
  storageClass?: KubeStorageClass;
}

/**
 * The zones a Pending pod's bound volumes pin it to (those every one of them allows), with the
 * volumes; undefined when no volume of it is pinned to a zone. Zones may be empty: volumes in
 * different zones, which no single node can serve.
 */
export function podVolumeZones(snapshot: Snapshot, pod: KubePod): { zones: string[]; volumes: PinnedVolume[] } | undefined {
  const index = storageIndex(snapshot);
  const namespace = pod.metadata?.namespace ?? 'default';
  const claims = new Map(index.waitingClaims.filter((c) => c.namespace === namespace).map((c) => [c.name, c.claim]));
  const volumes = podClaimNames(pod).flatMap((name) => {
    const claim = claims.get(name);
    const volume = claim?.spec?.volumeName ? index.volumes.get(claim.spec.volumeName) : undefined;
    const zones = volume ? volumeZones(volume) : [];
    const className = claim ? claimClassName(claim) : undefined;
    const storageClass = className ? index.classes.get(className) : undefined;
    return volume && zones.length > 0 ? [{ claim: name, volume, zones, ...(storageClass ? { storageClass } : {}) }] : [];
  });
  if (volumes.length === 0) return undefined;
  return { zones: volumes.map((v) => v.zones).reduce((a, b) => a.filter((z) => b.includes(z))), volumes };
}

/** Whether the scheduler says a pod's volumes' zone rules nodes out (VolumeBinding's node affinity conflict, VolumeZone). */
export function heldByVolumeZone(failure: { obstacles: { kind: string }[] } | undefined): boolean {
  return failure?.obstacles.some((o) => o.kind === 'volume-node-affinity' || o.kind === 'volume-zone') ?? false;
}

/**
 * Of the sources whose nodes a pod accepts, those that launch where its volumes are. All of them
 * when the scheduler does not say the volumes' zone holds it; undefined when none reaches that zone
 * (volume-zones reports it: growing any of them would not help) or the zone is not known.
 */
export function sourcesInVolumeZones<S extends { zones: string[] }>(snapshot: Snapshot, pod: { pod: KubePod; failure?: { obstacles: { kind: string }[] } }, fitting: S[]): S[] | undefined {
  if (!heldByVolumeZone(pod.failure)) return fitting;
  // Held by a volume's zone that cannot be read (the claims or volumes were not): nothing is judged.
  const held = podVolumeZones(snapshot, pod.pod);
  if (!held) return undefined;
  const reaching = fitting.filter((s) => s.zones.some((z) => held.zones.includes(z)));
  return reaching.length > 0 ? reaching : undefined;
}
