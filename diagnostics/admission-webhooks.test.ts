import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { cartCannotCreatePods, faults, installKyverno, KYVERNO_FAIL_WEBHOOK, KYVERNO_SERVICE } from '../mocks/faults/pod-start.js';
import { minutesBefore } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import admissionWebhooks from './admission-webhooks.js';

function withFault(name: string, edit: (s: Snapshot) => void = () => {}): Snapshot {
  return mutate((s) => {
    faults.find((f) => f.name === name)!.apply(s);
    edit(s);
  });
}

// The API server's wording (staging/src/k8s.io/apiserver: the webhook dispatcher's ErrCallingWebhook and the service resolver).
const call = (cause: string) => `Internal error occurred: failed calling webhook "${KYVERNO_FAIL_WEBHOOK}": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": ${cause}`;

describeDiagnostic(admissionWebhooks, {
  healthy: [
    { name: 'baseline: the Load Balancer Controller webhook has ready endpoints and no controller fails', snapshot: mutate(() => {}) },
    { name: 'a failurePolicy Ignore webhook with no endpoints blocks nothing', snapshot: withFault('kyverno-ignore-webhook-without-endpoints') },
    {
      name: 'a Fail webhook scaled to zero that no FailedCreate names is not reported (nothing shows it blocks anything)',
      snapshot: mutate((s) => installKyverno(s, { replicas: 0, webhooks: ['Fail'] })),
    },
    {
      name: 'a Fail webhook with ready endpoints: timeouts are the security groups\' concern, not a missing backend',
      snapshot: mutate((s) => {
        installKyverno(s, { replicas: 3, webhooks: ['Fail'] });
        cartCannotCreatePods(s, call('context deadline exceeded'));
      }),
    },
    {
      name: 'a Fail webhook with ready endpoints whose certificate the API server does not trust: the server\'s own matter, no cause here',
      snapshot: mutate((s) => {
        installKyverno(s, { replicas: 3, webhooks: ['Fail'] });
        cartCannotCreatePods(s, call('tls: failed to verify certificate: x509: certificate signed by unknown authority'));
      }),
    },
    {
      name: 'a Fail webhook with ready endpoints that refuses the connection: the server\'s own matter, no cause here',
      snapshot: mutate((s) => {
        installKyverno(s, { replicas: 3, webhooks: ['Fail'] });
        cartCannotCreatePods(s, call('dial tcp 10.0.19.41:9443: connect: connection refused'));
      }),
    },
    {
      name: 'a FailedCreate older than the window is history',
      snapshot: withFault('kyverno-scaled-to-zero', (s) => {
        const e = s.kubernetes.warningEvents!.at(-1)!;
        e.lastTimestamp = minutesBefore(s, 50);
      }),
    },
    {
      name: 'an Ignore webhook is never a cause, even if an event named it',
      snapshot: mutate((s) => {
        installKyverno(s, { replicas: 0, webhooks: ['Ignore'] });
        cartCannotCreatePods(s, call('no endpoints available for service "kyverno-svc"').replace(KYVERNO_FAIL_WEBHOOK, 'mutate.kyverno.svc-ignore'));
      }),
    },
  ],
  broken: [
    {
      name: 'Deployment scaled to zero behind a Fail webhook',
      snapshot: withFault('kyverno-scaled-to-zero'),
      expect: [{ id: 'admission-webhooks/webhook-backend-unavailable', resource: 'kyverno/kyverno-admission-controller', severity: 'critical', mentions: 'scaled to zero', canExplain: ['pod-create-failing'] }],
    },
    {
      name: "Deployment whose pods are not ready (replicas 3, none available)",
      snapshot: withFault('kyverno-scaled-to-zero', (s) => {
        const d = s.kubernetes.webhookDeployments!.find((x) => x.metadata?.namespace === 'kyverno')!;
        d.spec!.replicas = 3;
        d.status = { replicas: 3, unavailableReplicas: 3, observedGeneration: 4, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }] };
      }),
      expect: [{ id: 'admission-webhooks/webhook-backend-unavailable', resource: 'kyverno/kyverno-admission-controller', mentions: 'has no available pod' }],
    },
    {
      name: 'the Service is gone (uninstalled, configuration left behind)',
      snapshot: withFault('kyverno-uninstalled-webhook-left'),
      expect: [{ id: 'admission-webhooks/webhook-no-endpoints', resource: KYVERNO_SERVICE, mentions: 'does not exist' }],
    },
    {
      name: 'the Service selects nothing (no Deployment matches): no endpoints',
      snapshot: withFault('kyverno-scaled-to-zero', (s) => {
        s.kubernetes.webhookDeployments = s.kubernetes.webhookDeployments!.filter((d) => d.metadata?.namespace !== 'kyverno');
      }),
      expect: [{ id: 'admission-webhooks/webhook-no-endpoints', resource: KYVERNO_SERVICE, mentions: 'no Deployment in kyverno' }],
    },
    {
      name: "without the EndpointSlices, the API server's own 'no endpoints available' is the evidence",
      snapshot: withFault('kyverno-scaled-to-zero', (s) => {
        delete s.kubernetes.webhookEndpointSlices;
        s.errors.push({ part: 'kubernetes.webhookEndpointSlices', call: 'GET /apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices', kind: 'denied', code: 'HTTP 403', message: 'forbidden', permission: 'list endpointslices.discovery.k8s.io --all-namespaces' });
      }),
      expect: [{ id: 'admission-webhooks/webhook-backend-unavailable', resource: KYVERNO_SERVICE }],
    },
  ],
});

describe('admission-webhooks evidence', () => {
  it('names the webhook configuration, the failing controller and the patch path of the right webhook', () => {
    const [f] = runDiagnostic(admissionWebhooks, withFault('kyverno-scaled-to-zero'));
    expect(f!.evidence[0]).toBe('MutatingWebhookConfiguration kyverno-resource-mutating-webhook-cfg: webhook mutate.kyverno.svc-fail, failurePolicy Fail, covers CREATE pods, calls service kyverno/kyverno-svc port 443.');
    expect(f!.evidence[1]).toContain('ReplicaSet shop/cart-5d8f7c9b6d cannot create pods: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail"');
    expect(f!.fix.alternatives![0]!.commands[0]).toContain('"path":"/webhooks/0/failurePolicy"');
    expect(f!.canExplain).toEqual([{ symptom: 'pod-create-failing', resources: [{ type: 'k8s:Service', id: KYVERNO_SERVICE }] }]);
  });
});
