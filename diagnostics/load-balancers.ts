/**
 * Load balancers: why a LoadBalancer Service has no address. The Service may ask for the AWS Load
 * Balancer Controller (loadBalancerClass service.k8s.aws/nlb, or aws-load-balancer-type external /
 * nlb-ip), which must be installed and running; and the load balancer needs subnets for its scheme:
 * named in the aws-load-balancer-subnets annotation, or discovered by the kubernetes.io/role/elb
 * (internet-facing) or kubernetes.io/role/internal-elb (internal) tag with at least 8 free addresses.
 */
import { resource } from '../src/engine/resources.js';
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { KubePod, KubeService, Snapshot } from '../src/snapshot/types.js';
import { describeSubnet, tagValue } from './lib/node-placement.js';
import { containerLogCommands } from './lib/container-logs.js';
import {
  LOAD_BALANCER_MIN_FREE_ADDRESSES,
  explicitSubnets,
  isPending,
  isRoleTagged,
  loadBalancerScheme,
  needsLoadBalancerController,
  roleForScheme,
  serviceId,
} from './lib/load-balancer-subnets.js';
import { isPublicSubnet } from './lib/route-tables.js';
import { clusterVpcId } from './lib/cluster-vpc.js';
import { DOCS } from './lib/docs-links.js';


type Code = 'controller-missing' | 'controller-not-running' | 'no-subnets-for-scheme' | 'annotated-subnets-unusable';

export default defineDiagnostic<Code>({
  id: 'load-balancers',
  title: 'LoadBalancer Services can get a load balancer',
  description:
    'For each LoadBalancer Service without an address: the AWS Load Balancer Controller is installed and running when the Service asks for it, ' +
    'and subnets exist for the scheme asked for (annotated, or tagged kubernetes.io/role/elb or internal-elb with free addresses).',
  docs: [DOCS.networkLoadBalancing, DOCS.loadBalancerController, DOCS.subnetTags],
  needs: ['kubernetes.loadBalancerServices'],
  uses: ['kubernetes.deployments', 'kubernetes.kubeSystemPods', 'kubernetes.warningEvents', 'aws.cluster', 'aws.subnets', 'aws.routeTables'],
  codes: {
    'controller-missing': {
      severity: 'critical',
      title: 'Service needs the AWS Load Balancer Controller, which is not installed',
      description: 'The Service asks for the AWS Load Balancer Controller (loadBalancerClass service.k8s.aws/nlb or aws-load-balancer-type external/nlb-ip); the in-tree provider ignores it, so with no controller nothing ever provisions it.',
      explains: ['loadbalancer-pending'],
    },
    'controller-not-running': {
      severity: 'critical',
      title: 'AWS Load Balancer Controller has no running pod',
      description: 'The controller Deployment exists but none of its pods is ready, so Services and Ingresses it owns are not reconciled.',
      explains: ['loadbalancer-pending'],
    },
    'no-subnets-for-scheme': {
      severity: 'critical',
      title: 'No subnet qualifies for the load balancer scheme',
      description: 'Subnet discovery needs subnets tagged kubernetes.io/role/elb=1 (internet-facing) or kubernetes.io/role/internal-elb=1 (internal) in the VPC, each with at least 8 free addresses.',
      explains: ['loadbalancer-pending'],
    },
    'annotated-subnets-unusable': {
      severity: 'critical',
      title: 'Subnets named on the Service are missing or wrong for its scheme',
      description: 'The aws-load-balancer-subnets annotation names subnets that do not exist in the VPC, or private subnets for an internet-facing load balancer.',
      explains: ['loadbalancer-pending'],
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    for (const service of (snapshot.kubernetes.loadBalancerServices ?? []).filter(isPending)) {
      const id = serviceId(service);
      const scheme = loadBalancerScheme(service);
      const events = serviceEvents(snapshot, service);
      const scope = [{ symptom: 'loadbalancer-pending' as const, resources: [resource.service(id)] }];
      const asks = describeAsk(service, scheme);
      if (needsLoadBalancerController(service) && snapshot.kubernetes.deployments) {
        const controller = snapshot.kubernetes.deployments.find((d) => d.metadata?.name === 'aws-load-balancer-controller' && d.metadata?.namespace === 'kube-system');
        if (!controller) {
          findings.push({
            code: 'controller-missing',
            keyResource: id,
            title: `${id} waits for the AWS Load Balancer Controller, which is not installed`,
            rootCause: `${id} asks for the AWS Load Balancer Controller (${asks}), and there is no aws-load-balancer-controller Deployment in kube-system, so no load balancer is ever created.`,
            evidence: [`${id}: ${asks}; status.loadBalancer is empty.`, 'kube-system has no aws-load-balancer-controller Deployment.', ...events],
            resources: [resource.service(id), resource.deployment('kube-system/aws-load-balancer-controller')],
            fix: {
              summary: 'Install the AWS Load Balancer Controller (with its IAM role for the kube-system/aws-load-balancer-controller service account).',
              commands: [
                'helm repo add eks https://aws.github.io/eks-charts && helm repo update eks',
                `helm install aws-load-balancer-controller eks/aws-load-balancer-controller -n kube-system --set clusterName=${snapshot.cluster.name} --set serviceAccount.create=false --set serviceAccount.name=aws-load-balancer-controller${snapshot.aws.cluster?.resourcesVpcConfig?.vpcId ? ` --set region=${snapshot.cluster.region} --set vpcId=${snapshot.aws.cluster.resourcesVpcConfig.vpcId}` : ''}`,
              ],
              docs: [DOCS.loadBalancerController, DOCS.lbcHelm],
            },
            canExplain: scope,
          });
          continue;
        }
        if ((controller.status?.readyReplicas ?? 0) === 0) {
          const pods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'aws-load-balancer-controller' || p.metadata?.name?.startsWith('aws-load-balancer-controller-'));
          findings.push({
            code: 'controller-not-running',
            keyResource: id,
            title: `AWS Load Balancer Controller has no ready pod, so ${id} gets no load balancer`,
            rootCause: `${id} needs the AWS Load Balancer Controller, whose Deployment has 0 of ${controller.spec?.replicas ?? '?'} replicas ready, so the Service is never reconciled.`,
            evidence: [
              `${id}: ${asks}; status.loadBalancer is empty.`,
              `Deployment kube-system/aws-load-balancer-controller: ${controller.status?.readyReplicas ?? 0}/${controller.spec?.replicas ?? '?'} ready.`,
              ...pods.map((p) => `Pod ${p.metadata?.name}: ${podState(p)}.`),
              ...events,
            ],
            resources: [resource.deployment('kube-system/aws-load-balancer-controller'), resource.service(id), ...pods.map((p) => resource.pod(`kube-system/${p.metadata?.name}`))],
            fix: {
              summary: "Read why the controller's pods fail (commonly its IAM role, a missing clusterName or vpcId, or the webhook certificate) and fix that.",
              // The log of a pod that ran: one that never started (an image it cannot pull) has none, and the Deployment's description shows why.
              commands: ['kubectl -n kube-system describe deployment aws-load-balancer-controller', ...(pods.map((p) => containerLogCommands(p)).find((c) => c.length > 0) ?? [])],
              docs: [DOCS.loadBalancerController, DOCS.lbcHelm],
            },
            canExplain: scope,
          });
          continue;
        }
      }
      if (!snapshot.aws.subnets) continue;
      const vpcId = clusterVpcId(snapshot);
      const subnets = snapshot.aws.subnets.filter((s) => !vpcId || s.VpcId === vpcId);
      const named = explicitSubnets(service);
      if (named) {
        const problems: string[] = [];
        for (const n of named) {
          const subnet = subnets.find((s) => s.SubnetId === n || tagValue(s.Tags, 'Name') === n);
          if (!subnet) problems.push(`${n} is not a subnet of ${vpcId ?? 'the VPC'}`);
          else if (scheme === 'internet-facing' && snapshot.aws.routeTables && !isPublicSubnet(snapshot, subnet.SubnetId!)) problems.push(`${describeSubnet(snapshot, subnet.SubnetId!)} has no route to an internet gateway, so it cannot hold an internet-facing load balancer`);
        }
        if (problems.length > 0) {
          findings.push({
            code: 'annotated-subnets-unusable',
            keyResource: id,
            title: `Subnets named on ${id} cannot hold its ${scheme} load balancer`,
            rootCause: `${id} names its subnets in service.beta.kubernetes.io/aws-load-balancer-subnets, and ${problems.join('; ')}.`,
            evidence: [`${id}: ${asks}; aws-load-balancer-subnets: ${named.join(', ')}.`, ...problems.map((p) => `${p}.`), ...events],
            resources: [resource.service(id)],
            fix: {
              summary: `Name existing ${scheme === 'internet-facing' ? 'public' : ''} subnets on the Service, or remove the annotation to let the controller discover tagged subnets.`,
              commands: [`kubectl -n ${service.metadata?.namespace} annotate service ${service.metadata?.name} service.beta.kubernetes.io/aws-load-balancer-subnets-`],
              docs: [DOCS.networkLoadBalancing],
            },
            canExplain: scope,
          });
        }
        continue;
      }
      const role = roleForScheme(scheme);
      const tagged = subnets.filter((s) => isRoleTagged(s, role));
      const roomy = tagged.filter((s) => (s.AvailableIpAddressCount ?? 0) >= LOAD_BALANCER_MIN_FREE_ADDRESSES);
      if (roomy.length > 0) continue;
      const candidates = subnets.filter((s) => (scheme === 'internet-facing') === (snapshot.aws.routeTables ? isPublicSubnet(snapshot, s.SubnetId!) : scheme === 'internet-facing'));
      findings.push({
        code: 'no-subnets-for-scheme',
        keyResource: id,
        title: `No subnet qualifies for ${id}'s ${scheme} load balancer`,
        rootCause:
          tagged.length === 0
            ? `${id} asks for an ${scheme} load balancer, which is placed in subnets tagged kubernetes.io/role/${role}=1, and no subnet in ${vpcId ?? 'the VPC'} carries that tag.`
            : `${id} asks for an ${scheme} load balancer, and every subnet tagged kubernetes.io/role/${role}=1 has fewer than ${LOAD_BALANCER_MIN_FREE_ADDRESSES} free addresses.`,
        evidence: [
          `${id}: ${asks}; status.loadBalancer is empty.`,
          tagged.length === 0 ? `Subnets tagged kubernetes.io/role/${role}: none.` : `Tagged subnets: ${tagged.map((s) => `${describeSubnet(snapshot, s.SubnetId!)} with ${s.AvailableIpAddressCount} free`).join('; ')}.`,
          ...(candidates.length > 0 ? [`${scheme === 'internet-facing' ? 'Public' : 'Private'} subnets that could be tagged: ${candidates.map((s) => describeSubnet(snapshot, s.SubnetId!)).join('; ')}.`] : []),
          ...events,
        ],
        resources: [resource.service(id), ...candidates.map((s) => resource.subnet(s.SubnetId!, tagValue(s.Tags, 'Name')))],
        fix: {
          summary: `Tag the ${scheme === 'internet-facing' ? 'public' : 'private'} subnets for ${scheme} load balancers${tagged.length > 0 ? ', or free addresses in them' : ''}; the controller retries on its own.`,
          commands: [`aws ec2 create-tags --resources ${(candidates.length > 0 ? candidates.map((s) => s.SubnetId) : ['<subnet-id>']).join(' ')} --tags Key=kubernetes.io/role/${role},Value=1`, `kubectl -n ${service.metadata?.namespace} describe service ${service.metadata?.name}`],
          docs: [DOCS.subnetTags, DOCS.networkLoadBalancing],
        },
        canExplain: scope,
      });
    }
    return findings;
  },
});

function describeAsk(service: KubeService, scheme: string): string {
  const parts = [
    service.spec?.loadBalancerClass ? `loadBalancerClass ${service.spec.loadBalancerClass}` : undefined,
    service.metadata?.annotations?.['service.beta.kubernetes.io/aws-load-balancer-type'] ? `aws-load-balancer-type ${service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']}` : undefined,
    `scheme ${scheme}`,
  ].filter(Boolean);
  return parts.join(', ');
}

function serviceEvents(snapshot: Snapshot, service: KubeService): string[] {
  return (snapshot.kubernetes.warningEvents ?? [])
    .filter((e) => e.involvedObject?.kind === 'Service' && e.involvedObject.namespace === service.metadata?.namespace && e.involvedObject.name === service.metadata?.name)
    .slice(-3)
    .map((e) => `Event ${e.reason}${e.count ? ` (×${e.count})` : ''}: ${e.message}`);
}

function podState(pod: KubePod): string {
  const waiting = (pod.status?.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).filter(Boolean);
  if (waiting.length > 0) return `${pod.status?.phase ?? 'Unknown'}, ${waiting.join(', ')}, restarts ${(pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)}`;
  return pod.status?.phase ?? 'Unknown';
}
