/**
 * Controllers that cannot create their pods: a Deployment that "rolled out nothing", a DaemonSet
 * short of pods, a Job that never starts. They say so only in their FailedCreate Warning events
 * (no pod exists to be Pending), so this reads those events, groups them by workload (a
 * ReplicaSet under its Deployment when the ReplicaSets were collected) and by why, and names the
 * admission webhook and the Service it calls when the API server could not call it, so the
 * webhook's causes (no ready endpoints, its Deployment unavailable, its port blocked from the
 * control plane) can explain them (`pod-create-failing`).
 */
import { DOCS } from './lib/docs-links.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { admissionWebhooks, kubectlResource, type AdmissionWebhook } from './lib/admission-webhooks.js';
import { FAILED_CREATE_WINDOW_MINUTES, recentFailedCreates, WEBHOOK_FAILURE_TEXT, type FailedCreate, type WebhookCallFailure } from './lib/controller-create-errors.js';
import { describeEvent } from './lib/events.js';
import { cappedLines, describeWorkload, describeWorkloadCommand, groupByWorkload, workloadResolver, workloadResource, type WorkloadRef } from './lib/workload-owner.js';


/**
 * What to do when the API server could not call the webhook, by how the call failed: a certificate
 * the API server does not trust is fixed in the webhook's caBundle or the server's certificate, a
 * refused connection at the port the Service sends to, anything else by getting the server to answer.
 */
function webhookFix(failure: WebhookCallFailure, server: string): string {
  switch (failure) {
    case 'certificate':
      return `The API server does not trust the certificate the webhook's server${server} presents: make the webhook's caBundle match the CA that signed the server's certificate (cert-manager's CA injector or the chart's certificate job renews both), or renew it if it expired; the controller retries and creates its pods by itself.`;
    case 'connection-refused':
      return `Nothing accepts the API server's connection to the webhook's server${server}: check that the Service's targetPort is the port the webhook's container listens on, and the server's logs; the controller retries and creates its pods by itself.`;
    case 'timeout':
      return `The call took longer than the webhook's timeoutSeconds: the control plane may not reach the port of the webhook's server${server} (security groups, network policies), or the server is too slow to answer; the controller retries and creates its pods by itself.`;
    default:
      return `Get the webhook's server${server} answering; the controller retries and creates its pods by itself.`;
  }
}

/** Event lines quoted per workload: enough to see the pattern. */
const QUOTED = 3;

export default defineDiagnostic<'pods-not-created'>({
  id: 'pods-not-created',
  title: 'Controllers can create their pods',
  description:
    `Reads the FailedCreate Warning events of ReplicaSets, StatefulSets, DaemonSets and Jobs from the last ${FAILED_CREATE_WINDOW_MINUTES} minutes, grouped by workload and reason; ` +
    'when the API server could not call an admission webhook ("failed calling webhook"), names the webhook, its failurePolicy and the Service it calls, so the webhook\'s causes can explain them.',
  docs: [DOCS.k8sWebhookFailurePolicy, DOCS.k8sDeploymentFailed],
  needs: ['kubernetes.warningEvents'],
  // The owners group a ReplicaSet's or Job's events under its Deployment or CronJob.
  uses: ['kubernetes.validatingWebhooks', 'kubernetes.mutatingWebhooks', 'kubernetes.replicaSets', 'kubernetes.jobs'],
  codes: {
    'pods-not-created': {
      severity: 'critical',
      title: 'A controller cannot create its pods',
      description:
        'A ReplicaSet, StatefulSet, DaemonSet or Job keeps failing to create pods (FailedCreate): no pod exists, so nothing is Pending and the rollout silently makes no progress. ' +
        'An admission webhook with failurePolicy Fail that cannot be called blocks every pod it covers; a quota or a webhook that denies the pod blocks it by policy.',
      symptom: 'pod-create-failing',
      whenUnexplained:
        "No AWS-side cause was found (a webhook Service without ready endpoints, its Deployment unavailable, its port blocked from the control plane by the security groups): the error in the controller's event says what to fix.",
    },
  },
  check({ snapshot }) {
    const failures = recentFailedCreates(snapshot, new Date(snapshot.capturedAt));
    if (failures.length === 0) return [];
    const workloadOf = workloadResolver({ ReplicaSet: snapshot.kubernetes.replicaSets, Job: snapshot.kubernetes.jobs });
    const webhooks = admissionWebhooks(snapshot);
    const groups = groupByWorkload(failures, (f) => ({
      workload: workloadOf({ kind: f.controller.kind, metadata: { name: f.controller.name, ...(f.controller.namespace ? { namespace: f.controller.namespace } : {}) } }),
      reason: f.parsed.webhookCall ? `webhook ${f.parsed.webhookCall.webhook}` : f.parsed.deniedBy ? `denied by ${f.parsed.deniedBy}` : 'other',
    }));
    return groups.map((g) => finding(snapshot, g.workload, g.members, webhooks));
  },
});

function finding(snapshot: Snapshot, workload: WorkloadRef, failures: FailedCreate[], webhooks: AdmissionWebhook[]): NewFinding<'pods-not-created'> {
  const latest = failures[0]!;
  const call = latest.parsed.webhookCall;
  // Keyed by the controller that fails most recently, not by its Deployment: the key stays the same
  // when the ReplicaSets could not be read and the finding is grouped under the ReplicaSet itself.
  const failingController = latest.controller.namespace ? `${latest.controller.namespace}/${latest.controller.name}` : latest.controller.name;
  const controllers = uniqueRefs(failures.map((f) => ({ type: `k8s:${f.controller.kind}`, id: f.controller.namespace ? `${f.controller.namespace}/${f.controller.name}` : f.controller.name })));
  const evidence = cappedLines(failures.map((f) => `${f.controller.kind} ${f.controller.namespace ?? ''}/${f.controller.name}: ${describeEvent(f.event)}`), QUOTED, 'events');
  const what = describeWorkload(workload);
  const resources: ResourceRef[] = [workloadResource(workload), ...controllers];
  const commands = [describeWorkloadCommand(workload), `kubectl get events -n ${workload.namespace ?? 'default'} --field-selector reason=FailedCreate,involvedObject.name=${latest.controller.name}`];
  if (call) {
    const hook = webhooks.find((w) => w.name === call.webhook);
    const service = hook?.service ?? (call.service?.namespace ? { ...call.service, namespace: call.service.namespace, port: 443 } : undefined);
    if (hook) evidence.push(`${hook.configurationKind} ${hook.configurationName}: webhook ${hook.name}, failurePolicy ${hook.failurePolicy}, calls ${service ? `service ${service.namespace}/${service.name} port ${service.port}` : 'a URL outside the cluster'}.`);
    if (service) {
      resources.push(resource.service(service.namespace, service.name));
      commands.push(`kubectl get endpointslices -n ${service.namespace} -l kubernetes.io/service-name=${service.name} -o wide`);
    }
    if (hook) {
      resources.push({ type: `k8s:${hook.configurationKind}`, id: hook.configurationName });
      commands.push(
        call.failure === 'certificate'
          ? `kubectl get ${kubectlResource(hook.configurationKind)} ${hook.configurationName} -o jsonpath='{.webhooks[${hook.index}].clientConfig.caBundle}' | base64 -d | openssl x509 -noout -subject -issuer -enddate`
          : `kubectl get ${kubectlResource(hook.configurationKind)} ${hook.configurationName} -o yaml`,
      );
    }
    if (service && call.failure === 'connection-refused') commands.push(`kubectl get service -n ${service.namespace} ${service.name} -o yaml`);
    return {
      code: 'pods-not-created',
      keyResource: `${failingController}:${call.webhook}`,
      title: `${what} cannot create pods: webhook ${call.webhook} cannot be called (${WEBHOOK_FAILURE_TEXT[call.failure]})`,
      rootCause: `Every pod ${what} creates goes through the admission webhook ${call.webhook}${hook ? ` (failurePolicy ${hook.failurePolicy})` : ''}, and the API server could not call it: ${WEBHOOK_FAILURE_TEXT[call.failure]}. The API server rejects the pod, so no pod is created and nothing shows as Pending.`,
      evidence,
      resources: uniqueRefs(resources),
      fix: {
        summary: webhookFix(call.failure, service ? ` behind ${service.namespace}/${service.name}` : ''),
        commands,
        docs: [DOCS.k8sWebhookFailurePolicy, DOCS.eksBestPracticesControlPlane],
      },
    };
  }
  const denied = latest.parsed.deniedBy;
  return {
    code: 'pods-not-created',
    severity: 'warning',
    keyResource: `${failingController}:${denied ?? 'FailedCreate'}`,
    title: denied ? `${what} cannot create pods: webhook ${denied} denies them` : `${what} cannot create pods`,
    rootCause: denied
      ? `The admission webhook ${denied} answered and refused the pods of ${what}: a policy decision, not an outage. The event says which rule.`
      : `The API server refuses the pods ${what} creates; the event says why (a quota, a missing ServiceAccount, a pod security rule).`,
    evidence,
    resources: uniqueRefs(resources),
    fix: {
      summary: denied ? `Change the pod template to satisfy the policy of ${denied}, or the policy.` : 'Resolve what the event names; the controller retries by itself.',
      commands,
      docs: [DOCS.k8sDeploymentFailed],
    },
  };
}
