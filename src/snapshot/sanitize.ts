/**
 * What keeps secrets and bulk out of a snapshot. Collectors pass every Kubernetes object and every
 * launch-template version through these before it enters the snapshot; docs/snapshot.md lists them.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops metadata.managedFields and the last-applied annotation (a full copy of the object). */
export function stripKubernetesMetadata<T>(object: T): T {
  if (!isObject(object) || !isObject(object.metadata)) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : undefined;
  if (annotations) delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return { ...object, metadata: { ...metadata, ...(annotations ? { annotations } : {}) } } as T;
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

function sanitizeContainers(containers: unknown): unknown {
  if (!Array.isArray(containers)) return containers;
  return containers.map((c: unknown) => {
    if (!isObject(c) || !Array.isArray(c.env)) return c;
    // Keep the names (useful evidence: "AWS_VPC_K8S_CNI_... is set"), never the values.
    const env = c.env.map((e: unknown) => (isObject(e) ? { name: e.name, ...(e.valueFrom ? { valueFrom: e.valueFrom } : {}) } : e));
    return { ...c, env };
  });
}

function sanitizePodSpec(spec: unknown): unknown {
  if (!isObject(spec)) return spec;
  return { ...spec, containers: sanitizeContainers(spec.containers), initContainers: sanitizeContainers(spec.initContainers) };
}

/** Pod: metadata stripped, container env values removed. */
export function sanitizePod<T>(pod: T): T {
  const stripped = stripKubernetesMetadata(pod) as Json;
  return { ...stripped, spec: sanitizePodSpec(stripped.spec) } as T;
}

/** DaemonSet/Deployment: metadata stripped, the pod template's env values removed. */
export function sanitizeWorkload<T>(workload: T): T {
  const stripped = stripKubernetesMetadata(workload) as Json;
  if (!isObject(stripped.spec) || !isObject(stripped.spec.template)) return stripped as T;
  const template = stripKubernetesMetadata(stripped.spec.template) as Json;
  return { ...stripped, spec: { ...stripped.spec, template: { ...template, spec: sanitizePodSpec(template.spec) } } } as T;
}

/** Launch-template version: UserData removed (it often holds bootstrap secrets). */
export function sanitizeLaunchTemplateVersion<T>(version: T): T {
  if (!isObject(version) || !isObject(version.LaunchTemplateData)) return version;
  const { UserData: _userData, ...data } = version.LaunchTemplateData;
  return { ...version, LaunchTemplateData: data } as T;
}
