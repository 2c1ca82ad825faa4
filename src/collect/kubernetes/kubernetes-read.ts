/**
 * What one Kubernetes read is: its request, permission and RBAC rule, and how it reads. Shared by
 * collect-kubernetes.ts (which runs them) and the modules that declare groups of them
 * (scheduling-reads.ts), so neither imports the other's values.
 */
import { stripKubernetesMetadata } from '../../snapshot/sanitize.js';
import type { SnapshotPart } from '../../snapshot/types.js';
import type { KubernetesSource } from '../sources.js';
import type { KubernetesClient } from './client.js';
import { KubernetesRequestError } from './failure.js';

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** Shared between reads in one collection (webhook Services need the webhook configurations). */
export interface ReadContext {
  client: KubernetesClient;
  /** ServiceAccounts named by EKS Pod Identity associations (they carry no annotation to find them by). */
  podIdentityServiceAccounts: () => Promise<ServiceAccountRef[]>;
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** The collection's time (the snapshot's capturedAt), for windows over event times. */
  now: () => Date;
}

export interface KubernetesRead {
  /** Progress label. */
  step: string;
  /** The request, as CollectionError.call spells it. */
  call: string;
  /** What to grant when the API answers 403, as `kubectl auth can-i` takes it. */
  permission: string;
  /** The same as policy/clusterrole.yaml grants it (src/collect/sources.ts gathers these for the fault matrix). */
  resources: readonly KubernetesSource[];
  /** Other parts it reads when they are there (src/collect/sources.ts). */
  uses?: readonly SnapshotPart[];
  read(context: ReadContext): Promise<unknown>;
}

/** Where a list reads from: a namespace, every namespace, or a cluster-scoped resource. */
type ListScope = { namespace: string } | 'all-namespaces' | 'cluster';

export interface ListReadSpec {
  step: string;
  /** '' for the core group. */
  apiGroup: string;
  version: string;
  /** The plural resource name, as in the URL and in RBAC rules. */
  resource: string;
  scope: ListScope;
  fieldSelector?: string;
  pageSize?: number;
  /** Applied to each item as its page arrives (projections keep memory flat). */
  project?: (item: unknown) => unknown;
}

/**
 * One list request as a part's read: the request, the permission to ask for when it is denied and the
 * RBAC rule it needs all follow from the resource, so they cannot disagree with each other.
 */
export function listRead(spec: ListReadSpec, read?: KubernetesRead['read']): KubernetesRead {
  const namespace = typeof spec.scope === 'object' ? spec.scope.namespace : undefined;
  const prefix = spec.apiGroup === '' ? `/api/${spec.version}` : `/apis/${spec.apiGroup}/${spec.version}`;
  const path = `${prefix}${namespace ? `/namespaces/${namespace}` : ''}/${spec.resource}`;
  const kubectlResource = spec.apiGroup === '' ? spec.resource : `${spec.resource}.${spec.apiGroup}`;
  const where = namespace ? ` -n ${namespace}` : spec.scope === 'all-namespaces' ? ' --all-namespaces' : '';
  const options = { ...(spec.fieldSelector ? { fieldSelector: spec.fieldSelector } : {}), ...(spec.pageSize ? { pageSize: spec.pageSize } : {}) };
  return {
    step: spec.step,
    call: `GET ${path}${spec.fieldSelector ? `?fieldSelector=${spec.fieldSelector}` : ''}`,
    permission: `list ${kubectlResource}${where}`,
    resources: [{ apiGroup: spec.apiGroup, resource: spec.resource, verb: 'list', ...(namespace ? { namespace } : {}) }],
    read: read ?? ((c) => c.client.list(path, options, spec.project ?? stripKubernetesMetadata)),
  };
}

/**
 * GET each named object of a core/v1 namespaced resource (`services`, `pods`, `configmaps`),
 * concurrently. An object the API answers 404 for (deleted since something named it, or never
 * created) is left out: that is evidence for the checks, not a failed read.
 */
export async function getExisting<T>(client: KubernetesClient, resource: string, objects: readonly { namespace: string; name: string }[]): Promise<T[]> {
  const found = await Promise.all(
    objects.map(async ({ namespace, name }) => {
      try {
        return await client.get<T>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`);
      } catch (error) {
        if (error instanceof KubernetesRequestError && error.kind === 'not-found') return undefined;
        throw error;
      }
    }),
  );
  return found.filter((o) => o !== undefined);
}

/**
 * A request another part's read depends on failed (the crash-looping pods are found through the
 * Warning events list): the part records that request and its permission, not its own, since
 * granting `list events` is what fixes it, not `get pods`.
 */
export class PrerequisiteReadError extends KubernetesRequestError {
  constructor(
    cause: KubernetesRequestError,
    readonly call: string,
    readonly permission: string,
  ) {
    super(cause.kind, cause.code, cause.message, cause.httpStatus, cause.retryAfterSeconds);
    this.name = 'PrerequisiteReadError';
  }
}

/** `load` is the read of `prerequisite`: its failure is recorded as that read's (PrerequisiteReadError). */
export async function throughPrerequisite<T>(prerequisite: Pick<KubernetesRead, 'call' | 'permission'>, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const cause = error instanceof KubernetesRequestError ? error : new KubernetesRequestError('other', 'ERROR', error instanceof Error ? error.message : String(error));
    throw new PrerequisiteReadError(cause, prerequisite.call, prerequisite.permission);
  }
}
