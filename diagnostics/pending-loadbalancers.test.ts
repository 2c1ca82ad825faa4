import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { faults, pendingService, warningEvent } from '../mocks/faults/symptoms.js';
import type { Snapshot } from '../src/snapshot/types.js';
import pendingLoadBalancers from './pending-loadbalancers.js';

function withFaults(...names: string[]): Snapshot {
  return mutate((s) => names.forEach((n) => faults.find((f) => f.name === n)!.apply(s)));
}

/** A Service pending for `minutes` and the one Warning event its controller wrote about it. */
function pendingWithEvent(s: Snapshot, service: { namespace: string; name: string; minutes: number }, event: { reason: string; message: string; component: string }) {
  const pending = pendingService(s, service.namespace, service.name, service.minutes);
  s.kubernetes.warningEvents = [warningEvent(s, { involved: { kind: 'Service', namespace: service.namespace, name: service.name }, reason: event.reason, message: event.message, source: { component: event.component } })];
  return pending;
}

describeDiagnostic(pendingLoadBalancers, {
  healthy: [
    { name: 'baseline: storefront has its NLB', snapshot: mutate(() => {}) },
    {
      name: 'a Service created two minutes ago is still being provisioned',
      snapshot: mutate((s) => {
        pendingService(s, 'shop', 'fresh', 2);
      }),
    },
  ],
  broken: [
    {
      name: 'no subnet tagged for internet-facing: the controller event is quoted and the controller named',
      snapshot: withFaults('public-subnets-lose-elb-tag', 'promo-lb-pending-no-subnet'),
      expect: [{ id: 'pending-loadbalancers/loadbalancer-pending', resource: 'shop/promo', mentions: 'kubernetes.io/role/elb' }],
    },
    {
      name: 'no event at all: the controller is probably not running',
      snapshot: mutate((s) => {
        pendingService(s, 'shop', 'quiet', 30);
      }),
      expect: [{ id: 'pending-loadbalancers/loadbalancer-pending', resource: 'shop/quiet', mentions: 'not running' }],
    },
    {
      name: 'in-tree provider cannot find subnets; the subnet an event names is a resource',
      snapshot: mutate((s) => {
        const svc = pendingWithEvent(s, { namespace: 'legacy', name: 'classic', minutes: 60 }, {
          reason: 'SyncLoadBalancerFailed',
          message: 'Error syncing load balancer: failed to ensure load balancer: could not find any suitable subnets for creating the ELB; subnet-0e55555555555555e is not tagged',
          component: 'service-controller',
        });
        svc.metadata!.annotations = {};
        delete svc.spec!.loadBalancerClass;
      }),
      expect: [
        { id: 'pending-loadbalancers/loadbalancer-pending', resource: 'legacy/classic', mentions: 'in-tree' },
        { id: 'pending-loadbalancers/loadbalancer-pending', resource: 'subnet-0e55555555555555e' },
      ],
    },
    {
      name: 'the controller is denied by IAM',
      snapshot: mutate((s) => {
        pendingWithEvent(s, { namespace: 'shop', name: 'denied', minutes: 20 }, {
          reason: 'FailedDeployModel',
          message: 'Failed deploy model due to AccessDenied: User: arn:aws:sts::111122223333:assumed-role/shop-prod-aws-load-balancer-controller/1700000000 is not authorized to perform: elasticloadbalancing:CreateLoadBalancer',
          component: 'service',
        });
      }),
      expect: [{ id: 'pending-loadbalancers/loadbalancer-pending', resource: 'shop/denied', mentions: 'IAM role' }],
    },
  ],
  errors: [
    failedPart('Services could not be listed', { part: 'kubernetes.loadBalancerServices', call: 'GET /api/v1/services', kind: 'denied', code: 'HTTP 403', message: 'services is forbidden', permission: 'list services', httpStatus: 403 }, 'GET /api/v1/services'),
  ],
});

describe('pending-loadbalancers details', () => {
  it('names the AWS Load Balancer Controller Deployment so a controller cause can explain it, and its readiness', () => {
    const [f] = runDiagnostic(pendingLoadBalancers, withFaults('public-subnets-lose-elb-tag', 'promo-lb-pending-no-subnet'));
    expect(f!.symptom).toBe('loadbalancer-pending');
    expect(f!.resources).toEqual([
      { type: 'k8s:Service', id: 'shop/promo' },
      { type: 'k8s:Deployment', id: 'kube-system/aws-load-balancer-controller' },
    ]);
    expect(f!.evidence).toContain('Deployment kube-system/aws-load-balancer-controller: 2 of 2 replicas ready.');
    expect(f!.evidence.join('\n')).toContain('0 match VPC and tags: [kubernetes.io/role/elb]');
    expect(f!.fix.commands.at(-1)).toContain('Name=tag:kubernetes.io/role/elb,Values=1 Name=vpc-id,Values=vpc-0a1b2c3d4e5f60718');
  });
});
