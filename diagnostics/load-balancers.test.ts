import { PRIVATE_SUBNETS, PUBLIC_SUBNETS, buildBaseline } from '../mocks/scenario-builder/baseline.js';
import { STOREFRONT, faults, loadBalancerPending } from '../mocks/faults/network.js';
import type { Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate } from '../test/support/diagnostic-tester.js';
import loadBalancers from './load-balancers.js';

const fault = (name: string) => faults.find((f) => f.name === name)!.apply;
const storefront = (s: Snapshot) => s.kubernetes.loadBalancerServices![0]!;
const annotate = (s: Snapshot, name: string, value: string | undefined) => {
  const a = storefront(s).metadata!.annotations!;
  if (value === undefined) delete a[`service.beta.kubernetes.io/${name}`];
  else a[`service.beta.kubernetes.io/${name}`] = value;
};
const pending = (edit: (s: Snapshot) => void) =>
  mutate((s) => {
    loadBalancerPending(s);
    edit(s);
  });

describeDiagnostic(loadBalancers, {
  healthy: [
    { name: 'baseline: the storefront NLB has its address', snapshot: buildBaseline() },
    { name: 'a pending Service whose controller and subnets are fine is not explained here', snapshot: pending(() => {}) },
    {
      name: 'in-tree Service (no class, no type annotation) does not need the controller',
      snapshot: pending((s) => {
        delete storefront(s).spec!.loadBalancerClass;
        annotate(s, 'aws-load-balancer-type', undefined);
        s.kubernetes.deployments = s.kubernetes.deployments!.filter((d) => d.metadata!.name !== 'aws-load-balancer-controller');
      }),
    },
    { name: 'explicit subnets that exist and are public', snapshot: pending((s) => annotate(s, 'aws-load-balancer-subnets', `${PUBLIC_SUBNETS[0]},shop-prod-public-eu-west-1b`)) },
  ],
  broken: [
    {
      name: 'controller uninstalled',
      snapshot: mutate(fault('lb-controller-missing')),
      expect: [{ id: 'load-balancers/controller-missing', resource: STOREFRONT, canExplain: ['loadbalancer-pending'] }],
    },
    {
      name: 'controller pods crash-looping',
      snapshot: mutate(fault('lb-controller-crashlooping')),
      expect: [{ id: 'load-balancers/controller-not-running', resource: STOREFRONT, mentions: '0 of 2' }],
    },
    {
      name: 'no public subnet tagged for the internet-facing NLB',
      snapshot: mutate(fault('public-subnets-untagged')),
      expect: [{ id: 'load-balancers/no-subnets-for-scheme', resource: PUBLIC_SUBNETS[0], mentions: 'kubernetes.io/role/elb' }],
    },
    {
      name: 'internal NLB (the controller default) with no private subnet tagged internal-elb',
      snapshot: pending((s) => {
        annotate(s, 'aws-load-balancer-scheme', undefined);
        for (const id of PRIVATE_SUBNETS) {
          const sub = s.aws.subnets!.find((x) => x.SubnetId === id)!;
          sub.Tags = sub.Tags!.filter((t) => t.Key !== 'kubernetes.io/role/internal-elb');
        }
      }),
      expect: [{ id: 'load-balancers/no-subnets-for-scheme', resource: PRIVATE_SUBNETS[1], mentions: 'internal-elb' }],
    },
    {
      name: 'tagged public subnets all too full for a load balancer',
      snapshot: pending((s) => {
        for (const id of PUBLIC_SUBNETS) s.aws.subnets!.find((x) => x.SubnetId === id)!.AvailableIpAddressCount = 5;
      }),
      expect: [{ id: 'load-balancers/no-subnets-for-scheme', resource: STOREFRONT, mentions: 'fewer than 8' }],
    },
    {
      name: 'annotation names a private subnet for an internet-facing NLB',
      snapshot: pending((s) => annotate(s, 'aws-load-balancer-subnets', PRIVATE_SUBNETS[0])),
      expect: [{ id: 'load-balancers/annotated-subnets-unusable', resource: STOREFRONT, mentions: 'internet gateway' }],
    },
    {
      name: 'annotation names a subnet that does not exist',
      snapshot: pending((s) => annotate(s, 'aws-load-balancer-subnets', 'subnet-0notthere0000000')),
      expect: [{ id: 'load-balancers/annotated-subnets-unusable', resource: STOREFRONT, mentions: 'subnet-0notthere0000000' }],
    },
  ],
  errors: [
    failedPart('Services could not be read', { part: 'kubernetes.loadBalancerServices', call: 'GET /api/v1/services', kind: 'denied', code: 'HTTP 403', message: 'forbidden', permission: 'list services' }, 'services'),
  ],
});
