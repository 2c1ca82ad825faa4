/**
 * How a LoadBalancer Service picks its controller, scheme and subnets, as the AWS Load Balancer
 * Controller and the in-tree AWS cloud provider do it
 * (https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html,
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/subnet_discovery/).
 */
import type { KubeService, Subnet } from '../../src/snapshot/types.js';


const ANNOTATION = 'service.beta.kubernetes.io/';
export const LBC_CLASS = 'service.k8s.aws/nlb';

function annotation(service: KubeService, name: string): string | undefined {
  return service.metadata?.annotations?.[`${ANNOTATION}${name}`];
}

/**
 * Whether the AWS Load Balancer Controller (not the in-tree provider) must provision this Service:
 * loadBalancerClass service.k8s.aws/nlb, or aws-load-balancer-type external / nlb-ip.
 */
export function needsLoadBalancerController(service: KubeService): boolean {
  if (service.spec?.loadBalancerClass === LBC_CLASS) return true;
  const type = annotation(service, 'aws-load-balancer-type');
  return type === 'external' || type === 'nlb-ip';
}

/**
 * The scheme asked for. The controller defaults to internal, the in-tree provider to internet-facing;
 * the older aws-load-balancer-internal annotation is honoured by both.
 */
export function loadBalancerScheme(service: KubeService): 'internet-facing' | 'internal' {
  const scheme = annotation(service, 'aws-load-balancer-scheme');
  if (scheme === 'internet-facing' || scheme === 'internal') return scheme;
  const internal = annotation(service, 'aws-load-balancer-internal');
  if (internal !== undefined && internal !== 'false') return 'internal';
  return needsLoadBalancerController(service) ? 'internal' : 'internet-facing';
}

/** Subnets named explicitly with the aws-load-balancer-subnets annotation (IDs or Name tags). */
export function explicitSubnets(service: KubeService): string[] | undefined {
  const value = annotation(service, 'aws-load-balancer-subnets');
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

/** kubernetes.io/role/elb or internal-elb, with the value '1' or empty as the controller accepts. */
export function isRoleTagged(subnet: Subnet, role: 'elb' | 'internal-elb'): boolean {
  const value = subnet.Tags?.find((t) => t.Key === `kubernetes.io/role/${role}`)?.Value;
  return value === '1' || value === '';
}

export function roleForScheme(scheme: 'internet-facing' | 'internal'): 'elb' | 'internal-elb' {
  return scheme === 'internet-facing' ? 'elb' : 'internal-elb';
}

/** The controller skips subnets with fewer than 8 free addresses when it discovers subnets. */
export const LOAD_BALANCER_MIN_FREE_ADDRESSES = 8;

export function isPending(service: KubeService): boolean {
  return (service.status?.loadBalancer?.ingress ?? []).length === 0;
}

export function serviceId(service: KubeService): string {
  return `${service.metadata?.namespace ?? 'default'}/${service.metadata?.name ?? ''}`;
}
