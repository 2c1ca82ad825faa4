/**
 * Why the API server cannot call an admission webhook that controllers' FailedCreate events name:
 * its Service has no ready endpoint, because the Deployment serving it is unavailable (scaled to
 * zero, or its pods not ready) or because nothing serves it at all. Only webhooks with
 * failurePolicy Fail are causes: with Ignore the API server admits the pod without the webhook,
 * so a webhook with no endpoints and failurePolicy Ignore blocks nothing.
 *
 * A webhook whose endpoints are ready but whose calls time out is the security groups' concern
 * (security-groups/webhook-port-blocked, which explains the same symptoms).
 */
import { DOCS } from './lib/docs-links.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import { resource } from '../src/engine/resources.js';
import type { KubeDeployment, Snapshot } from '../src/snapshot/types.js';
import { admissionWebhooks, coversCreate, deploymentsBehind, endpointSlicesOf, kubectlResource, readyAddresses, webhookService, type AdmissionWebhook } from './lib/admission-webhooks.js';
import { recentFailedCreates, type FailedCreate } from './lib/controller-create-errors.js';
import { cappedLines } from './lib/workload-owner.js';


type Code = 'webhook-backend-unavailable' | 'webhook-no-endpoints';

export default defineDiagnostic<Code>({
  id: 'admission-webhooks',
  title: 'Admission webhooks that pods depend on can be called',
  description:
    'For each admission webhook with failurePolicy Fail that controllers\' FailedCreate events name: whether its Service has a ready endpoint (EndpointSlices), and whether the Deployment whose pods the Service selects is available. ' +
    'A webhook with failurePolicy Ignore is never a cause.',
  docs: [DOCS.k8sWebhookFailurePolicy, DOCS.k8sDebugServiceEndpoints],
  needs: ['kubernetes.warningEvents', 'kubernetes.validatingWebhooks', 'kubernetes.mutatingWebhooks'],
  uses: ['kubernetes.webhookServices', 'kubernetes.webhookEndpointSlices', 'kubernetes.webhookDeployments'],
  codes: {
    'webhook-backend-unavailable': {
      severity: 'critical',
      title: "An admission webhook's Deployment is unavailable",
      description:
        'The Deployment serving an admission webhook with failurePolicy Fail has no available pod (scaled to zero, crashing, not ready), so its Service has no ready endpoint and the API server rejects every request the webhook covers: controllers cannot create pods.',
      explains: ['pod-create-failing'],
    },
    'webhook-no-endpoints': {
      severity: 'critical',
      title: 'An admission webhook has no ready endpoint',
      description:
        "An admission webhook with failurePolicy Fail calls a Service that does not exist or selects no ready pod (its server was uninstalled, or its selector matches nothing): the API server answers 'no endpoints available' and rejects every request the webhook covers.",
      explains: ['pod-create-failing'],
    },
  },
  check({ snapshot }) {
    const failures = recentFailedCreates(snapshot, new Date(snapshot.capturedAt)).filter((f) => f.parsed.webhookCall);
    const findings: NewFinding<Code>[] = [];
    for (const hook of admissionWebhooks(snapshot)) {
      if (hook.failurePolicy !== 'Fail' || !hook.service) continue;
      const failing = failures.filter((f) => f.parsed.webhookCall!.webhook === hook.name);
      if (failing.length === 0) continue;
      const finding = webhookFinding(snapshot, hook, hook.service, failing);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function webhookFinding(snapshot: Snapshot, hook: AdmissionWebhook, target: NonNullable<AdmissionWebhook['service']>, failing: FailedCreate[]): NewFinding<Code> | undefined {
  const serviceId = `${target.namespace}/${target.name}`;
  const servicesRead = snapshot.kubernetes.webhookServices !== undefined;
  const service = webhookService(snapshot, target.namespace, target.name);
  const slicesRead = snapshot.kubernetes.webhookEndpointSlices !== undefined;
  const ready = readyAddresses(endpointSlicesOf(snapshot, target.namespace, target.name));
  // The API server's own words are evidence when the slices could not be read.
  const saidNoEndpoints = failing.some((f) => f.parsed.webhookCall!.failure === 'no-endpoints');
  const noEndpoints = slicesRead ? ready.length === 0 : saidNoEndpoints;
  const serviceMissing = servicesRead && !service;
  if (!noEndpoints && !serviceMissing) return undefined;

  const controllers = [...new Set(failing.map((f) => `${f.controller.kind} ${f.controller.namespace ?? ''}/${f.controller.name}`))];
  const blocked = controllers.length === 1 ? `${controllers[0]} cannot create its pods` : `${controllers.length} controllers cannot create their pods`;
  const hookLine = `${hook.configurationKind} ${hook.configurationName}: webhook ${hook.name}, failurePolicy ${hook.failurePolicy}, ${coversCreate(hook.webhook, '', 'pods') ? 'covers CREATE pods' : 'rules cover what the controllers create'}, calls service ${serviceId} port ${target.port}.`;
  const evidence = [
    hookLine,
    ...cappedLines(controllers.map((c) => `${c} cannot create pods: ${failing.find((f) => `${f.controller.kind} ${f.controller.namespace ?? ''}/${f.controller.name}` === c)!.parsed.error}`), 3, 'controllers'),
    serviceMissing ? `Service ${serviceId} does not exist.` : slicesRead ? `EndpointSlices of ${serviceId}: no ready address.` : `The EndpointSlices of ${serviceId} could not be read; the API server's answer says it found no endpoint.`,
  ];
  const resources = [resource.service(serviceId), { type: `k8s:${hook.configurationKind}`, id: hook.configurationName }];
  const canExplain = [{ symptom: 'pod-create-failing' as const, resources: [resource.service(serviceId)] }];
  const patchIgnore = `kubectl patch ${kubectlResource(hook.configurationKind)} ${hook.configurationName} --type=json -p '[{"op":"replace","path":"/webhooks/${hook.index}/failurePolicy","value":"Ignore"}]'`;
  const stopgap = { summary: `Only as a stopgap while the server is restored, and knowing what ${hook.name} enforces: let the API server admit without it (failurePolicy Ignore), and set it back to Fail afterwards.`, commands: [patchIgnore] };

  const unavailable = service ? deploymentsBehind(snapshot, service).filter(isUnavailable) : [];
  if (unavailable.length > 0) {
    const d = unavailable[0]!;
    const name = `${d.metadata?.namespace}/${d.metadata?.name}`;
    const scaledToZero = d.spec?.replicas === 0;
    return {
      code: 'webhook-backend-unavailable',
      keyResource: serviceId,
      title: `Webhook ${hook.name} is down: Deployment ${name} ${scaledToZero ? 'is scaled to zero' : 'has no available pod'}`,
      rootCause: `The admission webhook ${hook.name} (failurePolicy Fail) is served by Deployment ${name}, which ${scaledToZero ? 'is scaled to zero replicas' : 'has no available replica'}; its Service ${serviceId} has no ready endpoint, so the API server rejects every pod the webhook covers: ${blocked}.`,
      evidence: [...evidence, ...unavailable.map(describeDeployment)],
      resources: [...resources, resource.deployment(name)],
      fix: {
        summary: scaledToZero ? `Scale ${name} back up (two replicas at least, so one pod's restart does not block pod creation again); the controllers create their pods once the webhook answers.` : `Find out why the pods of ${name} are not ready (their events and logs) and fix that; the controllers create their pods once the webhook answers.`,
        commands: scaledToZero
          ? [`kubectl scale deployment -n ${d.metadata?.namespace} ${d.metadata?.name} --replicas=2`, `kubectl rollout status deployment -n ${d.metadata?.namespace} ${d.metadata?.name}`]
          : [`kubectl describe deployment -n ${d.metadata?.namespace} ${d.metadata?.name}`, `kubectl get pods -n ${d.metadata?.namespace} -l ${selectorText(service!)} -o wide`, `kubectl logs -n ${d.metadata?.namespace} deployment/${d.metadata?.name} --previous`],
        alternatives: [stopgap],
        docs: [DOCS.k8sWebhookFailurePolicy, DOCS.eksBestPracticesControlPlane],
      },
      canExplain,
    };
  }
  const behind = service ? deploymentsBehind(snapshot, service) : [];
  return {
    code: 'webhook-no-endpoints',
    keyResource: serviceId,
    title: serviceMissing ? `Webhook ${hook.name} calls Service ${serviceId}, which does not exist` : `Webhook ${hook.name} has no ready endpoint behind ${serviceId}`,
    rootCause: `The admission webhook ${hook.name} (failurePolicy Fail) calls ${serviceId}, which ${serviceMissing ? 'does not exist' : 'has no ready endpoint'}${
      service && behind.length === 0 && snapshot.kubernetes.webhookDeployments ? ` (no Deployment in ${target.namespace} has pods its selector ${selectorText(service)} matches)` : ''
    }: the webhook's server is gone or not running, so the API server rejects every pod the webhook covers: ${blocked}.`,
    evidence: [...evidence, ...behind.map(describeDeployment)],
    resources,
    fix: {
      summary: `Reinstall or restart the webhook's server so ${serviceId} has ready endpoints; if it was uninstalled on purpose, delete the ${hook.configurationKind} it left behind.`,
      commands: [
        ...(service ? [`kubectl get pods -n ${target.namespace} -l ${selectorText(service)} -o wide`] : [`kubectl get service -n ${target.namespace} ${target.name}`]),
        `kubectl get endpointslices -n ${target.namespace} -l kubernetes.io/service-name=${target.name}`,
        `kubectl get ${kubectlResource(hook.configurationKind)} ${hook.configurationName} -o yaml`,
      ],
      alternatives: [stopgap],
      docs: [DOCS.k8sWebhookFailurePolicy, DOCS.k8sDebugServiceEndpoints],
    },
    canExplain,
  };
}

function isUnavailable(d: KubeDeployment): boolean {
  if (d.spec?.replicas === 0) return true;
  const available = d.status?.conditions?.find((c) => c.type === 'Available');
  return (d.status?.availableReplicas ?? 0) === 0 || available?.status === 'False';
}

function describeDeployment(d: KubeDeployment): string {
  const available = d.status?.conditions?.find((c) => c.type === 'Available');
  return `Deployment ${d.metadata?.namespace}/${d.metadata?.name}: ${d.spec?.replicas ?? 1} desired, ${d.status?.readyReplicas ?? 0} ready, ${d.status?.availableReplicas ?? 0} available${available ? `; Available ${available.status}${available.reason ? ` (${available.reason})` : ''}` : ''}.`;
}

function selectorText(service: NonNullable<ReturnType<typeof webhookService>>): string {
  return Object.entries(service.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}
