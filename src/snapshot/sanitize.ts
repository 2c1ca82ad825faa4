/**
 * What keeps secrets and bulk out of a snapshot. Collectors pass every Kubernetes object and every
 * launch-template version through these before it enters the snapshot; docs/snapshot.md lists them.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The annotation `kubectl apply` leaves: a full copy of the object as last applied. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** What a managedFields entry keeps on the objects whose changes are shown: who wrote it, how, when (never the fields). */
export const MANAGED_FIELDS_KEPT = ['manager', 'operation', 'time'] as const;

/**
 * Drops the last-applied annotation (a full copy of the object) and metadata.managedFields (most
 * of an object's bytes), or with `keepManagers`, cuts managedFields to MANAGED_FIELDS_KEPT: the
 * change history of aws-auth, the add-ons' workloads and the webhook configurations reads them.
 */
function cleanMetadata<T>(object: T, options: { keepManagers: boolean }): T {
  if (!isObject(object) || !isObject(object.metadata)) return object;
  const { managedFields, ...metadata } = object.metadata;
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : undefined;
  if (annotations) delete annotations[LAST_APPLIED];
  // Writes to the status subresource are controllers reporting, not changes to the object.
  const managers = options.keepManagers && Array.isArray(managedFields) ? pickEach(managedFields.filter((m: unknown) => !isObject(m) || m.subresource !== 'status'), MANAGED_FIELDS_KEPT) : undefined;
  return { ...object, metadata: { ...metadata, ...(annotations ? { annotations } : {}), ...(managers ? { managedFields: managers } : {}) } } as T;
}

/** stripKubernetesMetadata keeping who changed the object and when (aws-auth, webhook configurations). */
export function keepChangeManagers<T>(object: T): T {
  return cleanMetadata(object, { keepManagers: true });
}

/** Drops metadata.managedFields and the last-applied annotation. */
export function stripKubernetesMetadata<T>(object: T): T {
  return cleanMetadata(object, { keepManagers: false });
}

/** Node: also drops status.images (hundreds of entries per node; no check reads them). */
export function sanitizeNode<T>(node: T): T {
  const stripped = stripKubernetesMetadata(node) as Json;
  if (isObject(stripped.status)) {
    const { images: _images, ...status } = stripped.status;
    return { ...stripped, status } as T;
  }
  return stripped as T;
}

/**
 * The Amazon VPC CNI's (aws-node) mode switches, whose values say how pods get addresses and can
 * hold nothing secret (true/false, a label key, a small count): kept with their values, so checks
 * know whether prefix delegation, custom networking or security groups for pods are on.
 */
export const CNI_SETTINGS_KEPT: ReadonlySet<string> = new Set([
  'ENABLE_PREFIX_DELEGATION',
  'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG',
  'ENI_CONFIG_LABEL_DEF',
  'ENI_CONFIG_ANNOTATION_DEF',
  'ENABLE_POD_ENI',
  'POD_SECURITY_GROUP_ENFORCING_MODE',
  'ENABLE_IPv4',
  'ENABLE_IPv6',
  'WARM_ENI_TARGET',
  'WARM_IP_TARGET',
  'MINIMUM_IP_TARGET',
  'WARM_PREFIX_TARGET',
  'MAX_ENI',
  'AWS_VPC_K8S_CNI_EXTERNALSNAT',
]);

function sanitizeContainers(containers: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  return containers.map((c: unknown) => {
    if (!isObject(c) || !Array.isArray(c.env)) return c;
    // Keep the names (useful evidence: "AWS_VPC_K8S_CNI_... is set"), never the values, but the CNI's mode switches'.
    const env = c.env.map((e: unknown) =>
      isObject(e)
        ? { name: e.name, ...(typeof e.name === 'string' && CNI_SETTINGS_KEPT.has(e.name) && typeof e.value === 'string' ? { value: e.value } : {}), ...(e.valueFrom ? { valueFrom: e.valueFrom } : {}) }
        : e,
    );
    return { ...c, env };
  });
}

function sanitizePodSpec(spec: unknown): unknown {
  if (!isObject(spec)) return spec;
  return { ...spec, containers: sanitizeContainers(spec.containers), initContainers: sanitizeContainers(spec.initContainers) };
}

/**
 * One copy of each string among the objects it is handed. JSON.parse gives every string value of
 * every object a copy of its own, and a list's objects repeat most of theirs: each kube-system pod
 * of a DaemonSet carries the same images, labels, owner, namespace, condition types and times, so
 * at 5,000 nodes 20,000 projected pods held 500,000 strings of which 35,000 differ (docs/performance.md).
 * The collector shares one table per list it reads, so the copies of each page die with the page.
 * Replaces strings in place by equal ones: nothing a reader can see changes.
 */
export class SharedStrings {
  private readonly table = new Map<string, string>();

  /** `value` with each string it holds replaced by the first equal string this table saw; the same object. */
  share<T>(value: T): T {
    this.walk(value);
    return value;
  }

  private walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.one(item);
        else if (typeof item === 'object' && item !== null) this.walk(item);
      }
    } else if (isObject(value)) {
      for (const key in value) {
        const item = value[key];
        if (typeof item === 'string') value[key] = this.one(item);
        else if (typeof item === 'object' && item !== null) this.walk(item);
      }
    }
  }

  private one(text: string): string {
    const seen = this.table.get(text);
    if (seen !== undefined) return seen;
    this.table.set(text, text);
    return text;
  }
}

/** The listed keys of an object that it has, in that order; anything else is left out. */
function pick(value: unknown, keys: readonly string[]): Json | undefined {
  if (!isObject(value)) return undefined;
  const out: Json = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function pickEach(list: unknown, keys: readonly string[]): Json[] | undefined {
  return Array.isArray(list) ? list.map((item) => pick(item, keys) ?? {}) : undefined;
}

/** Copies each list of `source` named in `lists` into `target`, every item cut to `keys`, in that order. */
function pickLists(target: Json, source: unknown, lists: readonly string[], keys: readonly string[]): void {
  if (!isObject(source)) return;
  for (const list of lists) {
    const picked = pickEach(source[list], keys);
    if (picked) target[list] = picked;
  }
}

/**
 * What a pod keeps in a snapshot: what the checks and their evidence read (which node, which
 * owner, host network or not, its address, whether it runs and why not), plus the few fields an
 * engineer reading a bundle looks at first (age, service account, images). A kube-system pod on a
 * real cluster is 5–10 KB of JSON, mostly managedFields, volumes, tolerations, affinity, env and
 * probes; at four DaemonSet pods per node that bulk was most of a 5,000-node snapshot's memory.
 * A check that starts reading another pod field adds it here (and to docs/snapshot.md).
 */
export const POD_FIELDS = {
  top: ['apiVersion', 'kind'],
  metadata: ['name', 'namespace', 'creationTimestamp', 'deletionTimestamp', 'labels', 'ownerReferences'],
  spec: ['nodeName', 'hostNetwork', 'serviceAccountName'],
  container: ['name', 'image'],
  status: ['phase', 'reason', 'message', 'hostIP', 'podIP', 'podIPs', 'startTime', 'conditions'],
  containerStatus: ['name', 'ready', 'started', 'restartCount', 'state', 'lastState'],
  /** Only the volumes that are claims (a pod waits for them): the others are cut, the claims kept as these keys. */
  claimVolume: ['name', 'persistentVolumeClaim', 'ephemeral'],
} as const;

/** The pod's volumes that are PersistentVolumeClaims (named or generic ephemeral), which scheduling waits for. */
function claimVolumes(spec: unknown): Json[] | undefined {
  if (!isObject(spec) || !Array.isArray(spec.volumes)) return undefined;
  const claims = spec.volumes.filter((v: unknown) => isObject(v) && (v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined));
  return claims.length > 0 ? pickEach(claims, POD_FIELDS.claimVolume) : undefined;
}

/**
 * A pod cut to POD_FIELDS, and with `placement` where it may run too. Built by adding keys to new
 * objects in a fixed order, never by spreading the API's object and adding to the copy: on Node 20
 * (V8 11.3) each object made as `{ ...parsed, extra }` gets a hidden class of its own, so the
 * checks' loops over thousands of pods went megamorphic and read every field the slow way (the
 * 5,000-node live run's checks phase: 12.5 s, against 1.1 s over the same pods parsed from a file).
 */
function projectPod(pod: Json, placement: boolean): Json {
  const out = pick(pod, POD_FIELDS.top)!;
  const metadata = pick(pod.metadata, POD_FIELDS.metadata);
  if (metadata) out.metadata = metadata;
  const spec = pick(pod.spec, POD_FIELDS.spec);
  if (spec) {
    pickLists(spec, pod.spec, ['containers', 'initContainers'], POD_FIELDS.container);
    const volumes = claimVolumes(pod.spec);
    if (volumes) spec.volumes = volumes;
    if (placement && isObject(pod.spec)) {
      for (const key of PROBLEM_POD_PLACEMENT_FIELDS) if (pod.spec[key] !== undefined) spec[key] = pod.spec[key];
      const nodeAffinity = isObject(pod.spec.affinity) ? pod.spec.affinity.nodeAffinity : undefined;
      if (nodeAffinity !== undefined) spec.affinity = { nodeAffinity };
    }
    out.spec = spec;
  }
  const status = pick(pod.status, POD_FIELDS.status);
  if (status) {
    pickLists(status, pod.status, ['initContainerStatuses', 'containerStatuses'], POD_FIELDS.containerStatus);
    out.status = status;
  }
  return out;
}

/** Pod: only the fields in POD_FIELDS (so no env, no managedFields, no annotations). */
export function sanitizePod<T>(pod: T): T {
  return isObject(pod) ? (projectPod(pod, false) as T) : pod;
}

/**
 * What a pod that is not running keeps besides POD_FIELDS: where it may run (`nodeSelector`,
 * `tolerations`, `affinity.nodeAffinity`), which the scheduling checks match against the node
 * groups and NodePools that could take it. Only for these few pods: on kube-system's thousands of
 * DaemonSet pods the tolerations and affinities would be most of their size.
 */
export const PROBLEM_POD_PLACEMENT_FIELDS = ['nodeSelector', 'tolerations'] as const;

export function sanitizeProblemPod<T>(pod: T): T {
  return isObject(pod) ? (projectPod(pod, true) as T) : pod;
}

/** DaemonSet/Deployment: metadata stripped (managers kept: the add-ons' changes), the pod template's env values removed (but CNI_SETTINGS_KEPT's). */
export function sanitizeWorkload<T>(workload: T): T {
  const stripped = keepChangeManagers(workload) as Json;
  if (!isObject(stripped.spec) || !isObject(stripped.spec.template)) return stripped as T;
  const template = stripKubernetesMetadata(stripped.spec.template) as Json;
  return { ...stripped, spec: { ...stripped.spec, template: { ...template, spec: sanitizePodSpec(template.spec) } } } as T;
}

/**
 * What an owner object keeps (a ReplicaSet, a Job): who owns it. Checks read these only to walk a
 * pod up to its Deployment or CronJob (diagnostics/lib/workload-owner.ts); a cluster holds ten old
 * ReplicaSets per Deployment, so nothing else of them is kept.
 */
export function sanitizeOwner<T>(object: T): T {
  if (!isObject(object)) return object;
  const metadata = pick(object.metadata, ['name', 'namespace', 'uid', 'ownerReferences']);
  return (metadata ? { metadata } : {}) as T;
}

/**
 * Which fields a projection keeps: `true` keeps the value whole; a table keeps those fields of an
 * object (of each object, when the value is a list), in the table's order, and nothing else; a
 * function keeps what it returns.
 */
export interface FieldTable {
  readonly [key: string]: true | FieldTable | ((value: unknown) => unknown);
}

/** The value cut to `fields`, built by adding keys to new objects in a fixed order (hidden classes: see projectPod). */
export function projectFields<T>(value: T, fields: FieldTable): T {
  if (Array.isArray(value)) return value.map((item: unknown) => projectFields(item, fields)) as T;
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const key in fields) {
    const kept = value[key];
    if (kept === undefined) continue;
    const nested = fields[key]!;
    out[key] = nested === true ? kept : typeof nested === 'function' ? nested(kept) : projectFields(kept, nested);
  }
  return out as T;
}

const KEEP = true;
/** Annotations without the last-applied one (a full copy of the object). */
function annotationsKept(annotations: unknown): unknown {
  if (!isObject(annotations) || !(LAST_APPLIED in annotations)) return annotations;
  const out: Json = {};
  for (const key in annotations) if (key !== LAST_APPLIED) out[key] = annotations[key];
  return out;
}

/** What every projected object keeps of its metadata (its identity, its age, and how it is labelled and owned). */
const OBJECT_METADATA: FieldTable = { name: KEEP, namespace: KEEP, uid: KEEP, creationTimestamp: KEEP, deletionTimestamp: KEEP, labels: KEEP, annotations: annotationsKept, ownerReferences: KEEP };
const CONDITIONS: FieldTable = { type: KEEP, status: KEEP, reason: KEEP, message: KEEP, lastTransitionTime: KEEP };

/**
 * What each kind read in bulk keeps (pods: POD_FIELDS; ReplicaSets and Jobs: sanitizeOwner): the
 * fields the checks, their evidence and the event normaliser read, so a cluster's thousands of
 * events, slices, claims and NodeClaims hold no bulk (`uid`s and `resourceVersion`s, selectors, pod
 * templates, mount options, CSI attributes). Tested like pods' projection: every scenario diagnoses
 * the same through these (test/snapshot-sanitize.test.ts). A check that starts reading another
 * field adds it here, and to docs/snapshot.md.
 */
export const KIND_FIELDS = {
  /**
   * Events, in either API's names (diagnostics/lib/events.ts reads both: a core/v1 event, or an
   * events.k8s.io/v1 one as a saved snapshot or a scenario may hold it).
   */
  event: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: { name: KEEP, namespace: KEEP, creationTimestamp: KEEP },
    involvedObject: { kind: KEEP, namespace: KEEP, name: KEEP, uid: KEEP },
    regarding: { kind: KEEP, namespace: KEEP, name: KEEP, uid: KEEP },
    reason: KEEP,
    message: KEEP,
    note: KEEP,
    type: KEEP,
    count: KEEP,
    firstTimestamp: KEEP,
    lastTimestamp: KEEP,
    eventTime: KEEP,
    series: KEEP,
    source: KEEP,
    reportingComponent: KEEP,
    reportingController: KEEP,
    reportingInstance: KEEP,
    deprecatedSource: KEEP,
    deprecatedFirstTimestamp: KEEP,
    deprecatedLastTimestamp: KEEP,
    deprecatedCount: KEEP,
  },
  /**
   * Whether the Service a webhook calls has a ready address (diagnostics/lib/admission-webhooks.ts),
   * on which nodes, and the port a named targetPort resolves to (security-groups).
   */
  endpointSlice: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: { name: KEEP, namespace: KEEP, labels: KEEP },
    addressType: KEEP,
    endpoints: { addresses: KEEP, conditions: KEEP, nodeName: KEEP, zone: KEEP },
    ports: KEEP,
  },
  /** A webhook's Deployment: which pods it makes (the Service selects them) and how many are available. */
  webhookDeployment: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: { replicas: KEEP, selector: KEEP, template: { metadata: { labels: KEEP } } },
    status: { replicas: KEEP, updatedReplicas: KEEP, readyReplicas: KEEP, availableReplicas: KEEP, unavailableReplicas: KEEP, conditions: CONDITIONS },
  },
  /** A claim: what it asks for, from which class, and whether and where it is bound (its annotations name the selected node and the provisioner). */
  persistentVolumeClaim: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: { storageClassName: KEEP, volumeName: KEEP, accessModes: KEEP, volumeMode: KEEP, resources: { requests: KEEP }, selector: KEEP, dataSource: KEEP },
    status: { phase: KEEP, capacity: KEEP, accessModes: KEEP, conditions: CONDITIONS },
  },
  /** A volume: its class, its claim, where it can be used (node affinity; zone labels on old in-tree volumes) and which driver serves it. */
  persistentVolume: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: {
      storageClassName: KEEP,
      capacity: KEEP,
      accessModes: KEEP,
      volumeMode: KEEP,
      persistentVolumeReclaimPolicy: KEEP,
      claimRef: { kind: KEEP, namespace: KEEP, name: KEEP, uid: KEEP },
      nodeAffinity: KEEP,
      csi: { driver: KEEP, volumeHandle: KEEP, fsType: KEEP },
      awsElasticBlockStore: { volumeID: KEEP, fsType: KEEP },
      local: { path: KEEP },
    },
    status: { phase: KEEP, reason: KEEP, message: KEEP },
  },
  storageClass: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    provisioner: KEEP,
    parameters: KEEP,
    reclaimPolicy: KEEP,
    volumeBindingMode: KEEP,
    allowedTopologies: KEEP,
    allowVolumeExpansion: KEEP,
  },
  csiDriver: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: { attachRequired: KEEP, podInfoOnMount: KEEP, volumeLifecycleModes: KEEP, storageCapacity: KEEP, fsGroupPolicy: KEEP, requiresRepublish: KEEP },
  },
  /** Karpenter NodePools: the fields of NodePool (src/snapshot/node-provisioning-types.ts), which are those checks read. */
  nodePool: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: {
      template: { metadata: { labels: KEEP }, spec: { nodeClassRef: KEEP, requirements: KEEP, taints: KEEP, startupTaints: KEEP, expireAfter: KEEP } },
      limits: KEEP,
      weight: KEEP,
      disruption: KEEP,
    },
    status: { resources: KEEP, conditions: CONDITIONS },
  },
  /** Karpenter NodeClaims (NodeClaim's fields). */
  nodeClaim: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: { nodeClassRef: KEEP, requirements: KEEP, resources: { requests: KEEP } },
    status: { nodeName: KEEP, providerID: KEEP, imageID: KEEP, conditions: CONDITIONS },
  },
  /** Karpenter EC2NodeClasses and EKS Auto Mode NodeClasses (NodeClass's fields). */
  nodeClass: {
    apiVersion: KEEP,
    kind: KEEP,
    metadata: OBJECT_METADATA,
    spec: { role: KEEP, instanceProfile: KEEP, subnetSelectorTerms: KEEP, securityGroupSelectorTerms: KEEP },
    status: { subnets: KEEP, securityGroups: KEEP, instanceProfile: KEEP, conditions: CONDITIONS },
  },
} as const satisfies Record<string, FieldTable>;

/** A projection by kind, to hand a list read as its `project`. */
export function projectKind(kind: keyof typeof KIND_FIELDS): <T>(object: T) => T {
  const fields: FieldTable = KIND_FIELDS[kind];
  return (object) => projectFields(object, fields);
}

/** Launch-template version: UserData removed (it often holds bootstrap secrets). */
export function sanitizeLaunchTemplateVersion<T>(version: T): T {
  if (!isObject(version) || !isObject(version.LaunchTemplateData)) return version;
  const { UserData: _userData, ...data } = version.LaunchTemplateData;
  return { ...version, LaunchTemplateData: data } as T;
}

/** What an AMI keeps in a snapshot: what tells its OS family and age (an AMI has block devices, tags, product codes: bulk no check reads). */
export const IMAGE_FIELDS = ['ImageId', 'Name', 'Description', 'OwnerId', 'ImageOwnerAlias', 'PlatformDetails', 'Platform', 'Architecture', 'CreationDate', 'DeprecationTime', 'State'] as const;

/** Image: only IMAGE_FIELDS. */
export function sanitizeImage<T>(image: T): T {
  return (pick(image, IMAGE_FIELDS) ?? image) as T;
}
