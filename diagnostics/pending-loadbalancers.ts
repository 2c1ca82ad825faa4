/**
 * Pending LoadBalancer Services: Services of type LoadBalancer that have no address in
 * status.loadBalancer.ingress, with the Warning events their controller wrote ("Failed build model
 * due to unable to resolve at least one subnet", SyncLoadBalancerFailed) as evidence. Each is a
 * `loadbalancer-pending` symptom naming the Service, the controller that should provision it and the
 * subnets its events name, so subnet-tag and controller causes can explain it.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { KubeEvent, KubeService, Snapshot } from '../src/snapshot/types.js';
import { loadBalancerScheme, needsLoadBalancerController, roleForScheme } from './lib/load-balancer-subnets.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';


/** A new load balancer takes a few minutes to get its DNS name; a younger Service is still being provisioned. */
const PROVISIONING_GRACE_MINUTES = 5;
const QUOTED_EVENTS = 4;

const LBC_DEPLOYMENT = 'aws-load-balancer-controller';

export default defineDiagnostic<'loadbalancer-pending'>({
  id: 'pending-loadbalancers',
  title: 'LoadBalancer Services have an address',
  description:
    'Finds Services of type LoadBalancer that never got an address (no status.loadBalancer.ingress) after a few minutes, with the controller that should provision them and its Warning events about them.',
  docs: [DOCS.networkLoadBalancing, DOCS.loadBalancerController],
  needs: ['kubernetes.loadBalancerServices'],
  uses: ['kubernetes.warningEvents', 'kubernetes.deployments', 'aws.cluster'],
  codes: {
    'loadbalancer-pending': {
      severity: 'critical',
      title: 'LoadBalancer Service has no address',
      description:
        'A Service of type LoadBalancer has no load balancer address: its controller (the AWS Load Balancer Controller or the in-tree cloud provider) could not create the load balancer, usually for lack of tagged subnets, permissions, or because the controller is not running.',
      symptom: 'loadbalancer-pending',
    },
  },
  check({ snapshot, now }) {
    const findings: NewFinding<'loadbalancer-pending'>[] = [];
    for (const service of snapshot.kubernetes.loadBalancerServices ?? []) {
      if (service.spec?.type !== 'LoadBalancer') continue;
      if ((service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      const created = service.metadata?.creationTimestamp ? Date.parse(service.metadata.creationTimestamp) : undefined;
      const ageMinutes = created !== undefined ? (now.getTime() - created) / 60_000 : Number.POSITIVE_INFINITY;
      if (ageMinutes < PROVISIONING_GRACE_MINUTES) continue;
      findings.push(pendingFinding(snapshot, service, ageMinutes));
    }
    return findings;
  },
});

function eventsFor(snapshot: Snapshot, namespace: string, name: string): KubeEvent[] {
  return (snapshot.kubernetes.warningEvents ?? [])
    .filter((e) => e.involvedObject?.kind === 'Service' && e.involvedObject.name === name && (e.involvedObject.namespace ?? 'default') === namespace)
    .sort((a, b) => (b.lastTimestamp ?? b.eventTime ?? '').localeCompare(a.lastTimestamp ?? a.eventTime ?? ''));
}

function pendingFinding(snapshot: Snapshot, service: KubeService, ageMinutes: number): NewFinding<'loadbalancer-pending'> {
  const namespace = service.metadata?.namespace ?? 'default';
  const name = service.metadata?.name ?? '';
  const lbc = needsLoadBalancerController(service);
  const scheme = loadBalancerScheme(service);
  const role = roleForScheme(scheme);
  const events = eventsFor(snapshot, namespace, name);
  const text = events.map((e) => e.message ?? '').join('\n');
  const subnets = [...new Set(text.match(/subnet-[0-9a-f]{8,17}/g) ?? [])];
  const controllerRefs: ResourceRef[] = lbc ? [resource.deployment('kube-system', LBC_DEPLOYMENT)] : [];
  const controller = lbc ? 'the AWS Load Balancer Controller' : 'the in-tree AWS cloud provider';
  const lbcDeployment = snapshot.kubernetes.deployments?.find((d) => d.metadata?.namespace === 'kube-system' && d.metadata?.name === LBC_DEPLOYMENT);
  const vpcId = clusterVpcId(snapshot);
  const region = snapshot.cluster.region;

  const evidence = [
    `Service ${namespace}/${name} (type LoadBalancer, ${scheme}, handled by ${controller}) has no address ${formatAge(ageMinutes)} after it was created.`,
    ...events.slice(0, QUOTED_EVENTS).map((e) => `Event ${e.reason} from ${e.source?.component ?? e.reportingComponent ?? '?'} (x${e.count ?? 1}, last ${e.lastTimestamp ?? e.eventTime ?? '?'}): ${(e.message ?? '').trim()}`),
  ];
  if (events.length === 0) evidence.push(`No Warning event about the Service: ${controller} may not be running or not watching it.`);
  if (lbc && lbcDeployment) evidence.push(`Deployment kube-system/${LBC_DEPLOYMENT}: ${lbcDeployment.status?.readyReplicas ?? 0} of ${lbcDeployment.spec?.replicas ?? 0} replicas ready.`);
  if (lbc && snapshot.kubernetes.deployments && !lbcDeployment) evidence.push(`There is no kube-system/${LBC_DEPLOYMENT} Deployment.`);

  return {
    code: 'loadbalancer-pending',
    keyResource: `${namespace}/${name}`,
    title: `LoadBalancer Service ${namespace}/${name} has no address`,
    rootCause: likelyReason(text, events.length, controller, scheme, role),
    evidence,
    resources: uniqueRefs([resource.service(namespace, name), ...controllerRefs, ...subnets.map((s) => resource.subnet(s))]),
    fix: {
      summary: `Fix what ${controller}'s events name; it retries on its own and the Service gets its address once the load balancer exists.`,
      commands: [
        `kubectl describe service -n ${namespace} ${name}`,
        ...(lbc ? [`kubectl logs -n kube-system deployment/${LBC_DEPLOYMENT} --tail=50`] : []),
        `aws ec2 describe-subnets --filters Name=tag:kubernetes.io/role/${role},Values=1${vpcId ? ` Name=vpc-id,Values=${vpcId}` : ''} --region ${region} --query 'Subnets[].[SubnetId,AvailabilityZone,AvailableIpAddressCount]' --output table`,
      ],
      docs: [DOCS.networkLoadBalancing, ...(lbc ? [DOCS.loadBalancerController] : []), DOCS.subnetTags],
    },
  };
}

function likelyReason(text: string, eventCount: number, controller: string, scheme: string, role: string): string {
  if (/unable to resolve at least one subnet|could not find any suitable subnets|no suitable subnets|unable to discover at least one subnet/i.test(text)) {
    return `${controller} found no subnet to place the ${scheme} load balancer in: it picks subnets tagged kubernetes.io/role/${role}=1 (with enough free addresses, one per Availability Zone), and none qualifies.`;
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized to perform|WebIdentityErr|AssumeRoleWithWebIdentity/i.test(text)) {
    return `${controller} is not allowed to create the load balancer: its IAM role is missing, cannot be assumed, or lacks an elasticloadbalancing or ec2 permission the events name.`;
  }
  if (/TooManyLoadBalancers|LimitExceeded|quota/i.test(text)) return `The account has reached an Elastic Load Balancing quota, so ${controller} cannot create another load balancer.`;
  if (/security group/i.test(text)) return `${controller} could not resolve or create the load balancer's security groups; the events say which.`;
  if (eventCount === 0) return `Nothing has reported on the Service: ${controller} is probably not running, or does not handle this Service (its class or annotations point elsewhere).`;
  return `${controller} reports errors creating the load balancer; the events below say what failed.`;
}

function formatAge(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'since an unknown time';
  if (minutes < 120) return `${Math.round(minutes)} minutes`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hours`;
  return `${Math.round(minutes / 1440)} days`;
}
