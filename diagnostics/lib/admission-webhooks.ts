/**
 * The admission webhooks of the cluster, each with what it covers and the Service it calls, and
 * what is behind that Service: its EndpointSlices' ready addresses and the Deployments whose pods
 * it selects.
 */
import type { KubeDeployment, KubeEndpointSlice, KubeService, Snapshot, ValidatingWebhook } from '../../src/snapshot/types.js';

export interface AdmissionWebhook {
  /** 'ValidatingWebhookConfiguration' or 'MutatingWebhookConfiguration'. */
  configurationKind: string;
  configurationName: string;
  /** The webhook's name, as FailedCreate messages quote it. */
  name: string;
  /** Its position in the configuration's `webhooks` (for a JSON patch path). */
  index: number;
  /** 'Fail' (the default in admissionregistration.k8s.io/v1) or 'Ignore'. */
  failurePolicy: string;
  /** The Service it calls, when it calls one in the cluster (not a URL). */
  service?: { namespace: string; name: string; port: number };
  webhook: ValidatingWebhook;
}

export function admissionWebhooks(snapshot: Snapshot): AdmissionWebhook[] {
  const out: AdmissionWebhook[] = [];
  const lists = [
    ['ValidatingWebhookConfiguration', snapshot.kubernetes.validatingWebhooks ?? []],
    ['MutatingWebhookConfiguration', snapshot.kubernetes.mutatingWebhooks ?? []],
  ] as const;
  for (const [configurationKind, configurations] of lists) {
    for (const configuration of configurations) {
      for (const [index, webhook] of (configuration.webhooks ?? []).entries()) {
        const target = webhook.clientConfig?.service;
        out.push({
          configurationKind,
          configurationName: configuration.metadata?.name ?? '',
          name: webhook.name,
          index,
          failurePolicy: webhook.failurePolicy ?? 'Fail',
          ...(target?.namespace && target.name ? { service: { namespace: target.namespace, name: target.name, port: target.port ?? 443 } } : {}),
          webhook: webhook as ValidatingWebhook,
        });
      }
    }
  }
  return out;
}

/** Whether the webhook's rules cover creating this resource of this API group ('' for core, as in `pods`). */
export function coversCreate(webhook: ValidatingWebhook, group: string, resource: string): boolean {
  const matches = (values: string[] | undefined, value: string) => (values ?? []).some((v) => v === '*' || v === value);
  return (webhook.rules ?? []).some((r) => matches(r.apiGroups, group) && matches(r.resources, resource) && matches(r.operations, 'CREATE'));
}

export function webhookService(snapshot: Snapshot, namespace: string, name: string): KubeService | undefined {
  return (snapshot.kubernetes.webhookServices ?? []).find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
}

/** The EndpointSlices of a Service, by the label the EndpointSlice controller sets. */
export function endpointSlicesOf(snapshot: Snapshot, namespace: string, name: string): KubeEndpointSlice[] {
  return (snapshot.kubernetes.webhookEndpointSlices ?? []).filter((e) => e.metadata?.namespace === namespace && e.metadata?.labels?.['kubernetes.io/service-name'] === name);
}

/** Ready addresses across slices; `ready` unset means ready (discovery.k8s.io/v1 EndpointConditions: "nil ... should be interpreted as true"). */
export function readyAddresses(slices: readonly KubeEndpointSlice[]): string[] {
  return slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses ?? []));
}

/** The Deployments whose pod template the Service selects. */
export function deploymentsBehind(snapshot: Snapshot, service: KubeService): KubeDeployment[] {
  const selector = Object.entries(service.spec?.selector ?? {});
  if (selector.length === 0) return [];
  return (snapshot.kubernetes.webhookDeployments ?? []).filter(
    (d) => d.metadata?.namespace === service.metadata?.namespace && selector.every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v),
  );
}

/** 'Mutating' -> 'mutatingwebhookconfiguration', as kubectl names the resource. */
export function kubectlResource(configurationKind: string): string {
  return configurationKind.toLowerCase();
}
