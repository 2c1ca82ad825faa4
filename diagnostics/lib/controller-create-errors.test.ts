/**
 * Controllers' FailedCreate messages. Sources (see controller-create-errors.ts): controller_utils.go
 * ("Error creating: %v"), stateful_pod_control.go ("create Pod %s in StatefulSet %s failed error:
 * %s"), the apiserver's webhook dispatcher (ErrCallingWebhook: "failed calling webhook %q: %v",
 * "failed to call webhook: %w") and service resolver ("no endpoints available for service %q").
 */
import { describe, expect, it } from 'vitest';
import { parseFailedCreate } from './controller-create-errors.js';

const POST = 'Post "https://aws-load-balancer-webhook-service.kube-system.svc:443/mutate-v1-pod?timeout=10s"';

describe('parseFailedCreate', () => {
  it('no endpoints available: the webhook and its Service', () => {
    const m = `Error creating: Internal error occurred: failed calling webhook "mpod.elbv2.k8s.aws": failed to call webhook: ${POST}: no endpoints available for service "aws-load-balancer-webhook-service"`;
    expect(parseFailedCreate(m).webhookCall).toEqual({ webhook: 'mpod.elbv2.k8s.aws', failure: 'no-endpoints', service: { namespace: 'kube-system', name: 'aws-load-balancer-webhook-service' } });
  });

  it('the Service is gone: service not found', () => {
    const m = 'Error creating: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": service "kyverno-svc" not found';
    expect(parseFailedCreate(m).webhookCall).toEqual({ webhook: 'mutate.kyverno.svc-fail', failure: 'service-missing', service: { namespace: 'kyverno', name: 'kyverno-svc' } });
  });

  it('context deadline exceeded: a timeout', () => {
    const m = `Error creating: Internal error occurred: failed calling webhook "mpod.elbv2.k8s.aws": failed to call webhook: ${POST}: context deadline exceeded`;
    expect(parseFailedCreate(m).webhookCall).toMatchObject({ failure: 'timeout', service: { namespace: 'kube-system', name: 'aws-load-balancer-webhook-service' } });
  });

  it('connection refused', () => {
    const m = `Error creating: Internal error occurred: failed calling webhook "mpod.elbv2.k8s.aws": failed to call webhook: ${POST}: dial tcp 10.0.11.52:9443: connect: connection refused`;
    expect(parseFailedCreate(m).webhookCall?.failure).toBe('connection-refused');
  });

  it('x509: the certificate is not trusted', () => {
    const m = `Error creating: Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
    expect(parseFailedCreate(m).webhookCall).toEqual({ webhook: 'webhook.cert-manager.io', failure: 'certificate', service: { namespace: 'cert-manager', name: 'cert-manager-webhook' } });
  });

  it("a StatefulSet's wording", () => {
    const m = `create Pod ledger-0 in StatefulSet ledger failed error: Internal error occurred: failed calling webhook "mpod.elbv2.k8s.aws": failed to call webhook: ${POST}: no endpoints available for service "aws-load-balancer-webhook-service"`;
    const parsed = parseFailedCreate(m);
    expect(parsed.error).toMatch(/^Internal error occurred: /);
    expect(parsed.webhookCall?.failure).toBe('no-endpoints');
  });

  it('a webhook that denied the pod is policy, not a call failure', () => {
    const m = 'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}';
    expect(parseFailedCreate(m)).toEqual({ error: m.replace('Error creating: ', ''), deniedBy: 'validation.gatekeeper.sh' });
  });

  it('other errors are kept as they are', () => {
    const m = 'Error creating: pods "cart-7f9c-" is forbidden: exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=8, limited: limits.cpu=8';
    expect(parseFailedCreate(m)).toEqual({ error: m.replace('Error creating: ', '') });
  });
});
