import { describe, expect, it } from 'vitest';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { CART_REPLICA_SET, cartCannotCreatePods, failedCreate, faults, installKyverno, KYVERNO_SERVICE, ownedByDeployment } from '../mocks/faults/pod-start.js';
import { minutesBefore, warningEvent } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import podsNotCreated from './pods-not-created.js';

function withFault(name: string, edit: (s: Snapshot) => void = () => {}): Snapshot {
  return mutate((s) => {
    faults.find((f) => f.name === name)!.apply(s);
    edit(s);
  });
}

const CART_RS = `${CART_REPLICA_SET.namespace}/${CART_REPLICA_SET.name}`;

describeDiagnostic(podsNotCreated, {
  healthy: [
    { name: 'baseline: no FailedCreate', snapshot: mutate(() => {}) },
    { name: 'an Ignore webhook without endpoints: no controller fails', snapshot: withFault('kyverno-ignore-webhook-without-endpoints') },
    { name: 'a FailedCreate last seen 50 minutes ago is history', snapshot: withFault('kyverno-scaled-to-zero', (s) => void (s.kubernetes.warningEvents!.at(-1)!.lastTimestamp = minutesBefore(s, 50))) },
    {
      name: 'FailedCreate on something that is not a pod controller is not this symptom',
      snapshot: mutate((s) => {
        s.kubernetes.warningEvents!.push(warningEvent(s, { involved: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-ledger-0' }, reason: 'FailedCreate', message: 'Error creating: something', source: { component: 'persistentvolume-controller' } }));
      }),
    },
  ],
  broken: [
    {
      name: 'a webhook with no endpoints: critical, naming the webhook Service for its causes',
      snapshot: withFault('kyverno-scaled-to-zero'),
      expect: [{ id: 'pods-not-created/pods-not-created', resource: KYVERNO_SERVICE, severity: 'critical', mentions: 'its Service has no ready endpoints' }],
    },
    {
      name: "a StatefulSet's wording is read the same way",
      snapshot: withFault('kyverno-scaled-to-zero', (s) =>
        failedCreate(
          s,
          { kind: 'StatefulSet', namespace: 'shop', name: 'ledger' },
          // stateful_pod_control.go: "create Pod %s in StatefulSet %s failed error: %s"
          'create Pod ledger-0 in StatefulSet ledger failed error: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": no endpoints available for service "kyverno-svc"',
        ),
      ),
      expect: [
        { id: 'pods-not-created/pods-not-created', resource: 'shop/ledger' },
        { id: 'pods-not-created/pods-not-created', resource: CART_RS },
      ],
    },
    {
      name: 'a quota: a warning with no webhook named',
      snapshot: mutate((s) => cartCannotCreatePods(s, 'pods "cart-5d8f7c9b6d-x2x9q" is forbidden: exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=8, limited: limits.cpu=8')),
      expect: [{ id: 'pods-not-created/pods-not-created', resource: CART_RS, severity: 'warning' }],
    },
    {
      name: 'a webhook that denies the pod: policy, a warning',
      snapshot: mutate((s) => cartCannotCreatePods(s, 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}')),
      expect: [{ id: 'pods-not-created/pods-not-created', resource: CART_RS, severity: 'warning', mentions: 'validation.gatekeeper.sh denies them' }],
    },
  ],
});

describe('pods-not-created grouping', () => {
  it("groups under the Deployment its ReplicaSets belong to: a rollout's two ReplicaSets failing are one finding", () => {
    const s = withFault('kyverno-scaled-to-zero', (x) => {
      ownedByDeployment(x, { namespace: 'shop', deployment: 'cart', hash: '7f6e5d4c3b', pods: [], replicas: 3, revision: 7 });
      failedCreate(x, { kind: 'ReplicaSet', namespace: 'shop', name: 'cart-7f6e5d4c3b' }, 'Error creating: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": no endpoints available for service "kyverno-svc"');
    });
    const findings = runDiagnostic(podsNotCreated, s);
    expect(findings.map((f) => f.title)).toEqual(['Deployment shop/cart cannot create pods: webhook mutate.kyverno.svc-fail cannot be called (its Service has no ready endpoints)']);
    expect(findings[0]!.resources.filter((r) => r.type === 'k8s:ReplicaSet').map((r) => r.id).sort()).toEqual(['shop/cart-5d8f7c9b6d', 'shop/cart-7f6e5d4c3b']);
  });

  it('without the ReplicaSets, a ReplicaSet stays its own workload (its name alone does not prove a Deployment)', () => {
    const s = withFault('kyverno-scaled-to-zero', (x) => void delete x.kubernetes.replicaSets);
    expect(runDiagnostic(podsNotCreated, s)[0]!.title).toMatch(/^ReplicaSet shop\/cart-5d8f7c9b6d cannot create pods/);
  });

  it('one finding per workload and webhook, however many events; evidence quotes the controller event', () => {
    const s = withFault('kyverno-scaled-to-zero', (x) => {
      for (let i = 0; i < 4; i++) cartCannotCreatePods(x, 'Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": no endpoints available for service "kyverno-svc"');
    });
    const findings = runDiagnostic(podsNotCreated, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence.filter((e) => e.startsWith('ReplicaSet shop/cart-5d8f7c9b6d: FailedCreate from replicaset-controller (x19'))).toHaveLength(3);
    expect(findings[0]!.evidence).toContain('... and 2 more events');
    expect(findings[0]!.evidence).toContain('MutatingWebhookConfiguration kyverno-resource-mutating-webhook-cfg: webhook mutate.kyverno.svc-fail, failurePolicy Fail, calls service kyverno/kyverno-svc port 443.');
  });
});

describe('pods-not-created: every controller kind', () => {
  it('a StatefulSet, a DaemonSet and a CronJob\'s Job, each in its controller\'s words, each grouped by its own owner', () => {
    const s = withFault('kyverno-scaled-to-zero', (x) => faults.find((f) => f.name === 'kyverno-down-blocks-every-controller-kind')!.apply(x));
    const findings = runDiagnostic(podsNotCreated, s);
    expect(findings.map((f) => f.title.replace(/ cannot create pods.*/, '')).sort()).toEqual(['CronJob shop/nightly-report', 'DaemonSet amazon-cloudwatch/fluent-bit', 'Deployment shop/cart', 'StatefulSet shop/orders-db']);
    for (const f of findings) expect(f.resources).toContainEqual({ type: 'k8s:Service', id: KYVERNO_SERVICE });
    const sts = findings.find((f) => f.title.startsWith('StatefulSet'))!;
    expect(sts.evidence[0]).toMatch(/^StatefulSet shop\/orders-db: FailedCreate from statefulset-controller \(x19.*create Pod orders-db-1 in StatefulSet orders-db failed error: Internal error occurred: failed calling webhook "mutate\.kyverno\.svc-fail"/);
    expect(findings.find((f) => f.title.startsWith('DaemonSet'))!.evidence[0]).toMatch(/FailedCreate from daemonset-controller .*Error creating: Internal error occurred/);
    expect(findings.find((f) => f.title.startsWith('CronJob'))!.resources).toContainEqual({ type: 'k8s:Job', id: 'shop/nightly-report-29390400' });
  });

  it('without the Jobs, a Job stays its own workload', () => {
    const s = withFault('kyverno-down-blocks-every-controller-kind', (x) => void delete x.kubernetes.jobs);
    expect(runDiagnostic(podsNotCreated, s).map((f) => f.title.replace(/ cannot create pods.*/, ''))).toContain('Job shop/nightly-report-29390400');
  });
});

describe('pods-not-created: how the webhook call failed', () => {
  // The API server's words (apiserver/pkg/admission/plugin/webhook: ErrCallingWebhook "failed calling webhook %q: %v"
  // around "failed to call webhook: %w", made an InternalError when failurePolicy is Fail) after the HTTP client's error.
  const call = (cause: string) =>
    `Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": ${cause}`;
  const withKyvernoUp = (cause: string) => mutate((s) => {
    installKyverno(s, { replicas: 3, webhooks: ['Fail', 'Ignore'] });
    cartCannotCreatePods(s, call(cause));
  });

  it.each([
    ['tls: failed to verify certificate: x509: certificate signed by unknown authority', "the API server does not trust the webhook's certificate", /caBundle match the CA/, /clientConfig\.caBundle}' \| base64 -d \| openssl x509 -noout -subject -issuer -enddate$/],
    ['tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-20T03:11:58Z is after 2026-11-19T08:00:00Z', "the API server does not trust the webhook's certificate", /renew it if it expired/, /openssl x509/],
    ['dial tcp 10.0.19.41:9443: connect: connection refused', 'nothing accepted the connection', /targetPort is the port the webhook's container listens on/, /^kubectl get service -n kyverno kyverno-svc -o yaml$/],
    ['context deadline exceeded', 'the call timed out', /security groups, network policies/, /^kubectl get mutatingwebhookconfiguration kyverno-resource-mutating-webhook-cfg -o yaml$/],
  ])('%s', (cause, said, fix, command) => {
    const [f] = runDiagnostic(podsNotCreated, withKyvernoUp(cause));
    expect(f!.title).toBe(`Deployment shop/cart cannot create pods: webhook mutate.kyverno.svc-fail cannot be called (${said})`);
    expect(f!.severity).toBe('critical');
    expect(f!.fix.summary).toMatch(fix);
    expect(f!.fix.commands.some((c) => command.test(c))).toBe(true);
  });
});
