/**
 * Security groups for pods: with ENABLE_POD_ENI=true on aws-node, the VPC resource controller (run
 * by EKS) attaches a trunk interface to each supported node (label
 * vpc.amazonaws.com/has-trunk-attached=true) and gives every pod a SecurityGroupPolicy
 * (vpcresources.k8s.aws/v1beta1) selects a branch interface with the policy's security groups.
 * A pod so selected waits in ContainerCreating until its branch interface exists.
 *
 * Checked: the cluster role has AmazonEKSVPCResourceController (the controller acts with it); the
 * nodes got a trunk interface (the instance types that can have one are in the controller's limits
 * table, pkg/aws/vpc/limits.go, IsTrunkingCompatible: not in DescribeInstanceTypes; the EKS user
 * guide says no t-family type is supported, nor Windows nodes); each policy names at most five
 * groups, all of which exist; and those groups let the pods reach CoreDNS on port 53.
 */
import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource, uniqueRefs } from '../src/engine/resources.js';
import type { SymptomKind } from '../src/engine/symptoms.js';
import type { KubeNode, KubePod, SecurityGroupPolicy, Snapshot } from '../src/snapshot/types.js';
import { cniSettingValue } from './lib/pod-addresses.js';
import { DOCS } from './lib/docs-links.js';
import { groupLabel, groupsAllow } from './lib/security-group-rules.js';
import { matchesSelector } from './lib/label-selector.js';

type Code = 'controller-policy-missing' | 'trunk-not-attached' | 'policy-group-missing' | 'policy-too-many-groups' | 'policy-blocks-dns';

const POD_SYMPTOMS = ['pod-without-ip'] as const satisfies readonly SymptomKind[];
export const TRUNK_LABEL = 'vpc.amazonaws.com/has-trunk-attached';
const CONTROLLER_POLICY = 'AmazonEKSVPCResourceController';
/** The most security groups a SecurityGroupPolicy may name (from memory of the EKS user guide's "Security groups for Pods" considerations). */
const MAX_GROUPS = 5;
const LIMITS_TABLE = 'https://github.com/aws/amazon-vpc-resource-controller-k8s/blob/master/pkg/aws/vpc/limits.go';

export default defineDiagnostic<Code>({
  id: 'security-groups-for-pods',
  title: 'Security groups for pods can give the selected pods their interfaces',
  description:
    'With ENABLE_POD_ENI=true on aws-node: the cluster role has AmazonEKSVPCResourceController, the nodes got a trunk interface (vpc.amazonaws.com/has-trunk-attached), each SecurityGroupPolicy names at most five security groups that exist, and those groups let the pods reach CoreDNS; linked to the selected pods stuck in ContainerCreating.',
  docs: [DOCS.securityGroupsForPods],
  needs: ['kubernetes.daemonSets'],
  uses: ['kubernetes.nodes', 'kubernetes.securityGroupPolicies', 'kubernetes.problemPods', 'kubernetes.serviceAccounts', 'kubernetes.kubeSystemPods', 'aws.cluster', 'aws.securityGroups', 'aws.iamAttachedRolePolicies'],
  codes: {
    'controller-policy-missing': {
      severity: 'critical',
      title: 'The cluster role lacks AmazonEKSVPCResourceController',
      description: "The VPC resource controller manages trunk and branch interfaces with the cluster role's permissions; without AmazonEKSVPCResourceController no node gets a trunk interface and every pod a SecurityGroupPolicy selects waits in ContainerCreating.",
      explains: [...POD_SYMPTOMS],
      ruledOut: 'the cluster role has AmazonEKSVPCResourceController',
    },
    'trunk-not-attached': {
      severity: 'warning',
      title: 'Nodes without a trunk interface',
      description: "ENABLE_POD_ENI is on but these nodes have no trunk interface (no vpc.amazonaws.com/has-trunk-attached=true label): their instance type is not trunk-compatible in the VPC resource controller's limits table (no t-family type is, nor Windows), or the controller could not attach one. Pods a SecurityGroupPolicy selects cannot run on them.",
      explains: [...POD_SYMPTOMS],
      ruledOut: 'the nodes have trunk interfaces',
    },
    'policy-group-missing': {
      severity: 'critical',
      title: 'A SecurityGroupPolicy names a security group that does not exist',
      description: 'The controller cannot create branch interfaces with a security group that does not exist: every pod the policy selects waits in ContainerCreating.',
      explains: [...POD_SYMPTOMS],
      ruledOut: "the SecurityGroupPolicies' security groups exist",
    },
    'policy-too-many-groups': {
      severity: 'critical',
      title: 'A SecurityGroupPolicy names more than five security groups',
      description: 'A branch interface takes at most five security groups: the pods the policy selects cannot get one.',
      explains: [...POD_SYMPTOMS],
      ruledOut: 'no SecurityGroupPolicy names more than five security groups',
    },
    'policy-blocks-dns': {
      severity: 'warning',
      title: "A SecurityGroupPolicy's groups do not let its pods reach CoreDNS",
      description: "The pods a SecurityGroupPolicy selects carry only its security groups; when none of them allows UDP 53 out to the CoreDNS pods (or the CoreDNS side does not accept it), those pods cannot resolve names.",
    },
  },
  check({ snapshot }) {
    if (cniSettingValue(snapshot, 'ENABLE_POD_ENI')?.toLowerCase() !== 'true') return [];
    const findings: NewFinding<Code>[] = [];
    const policies = snapshot.kubernetes.securityGroupPolicies ?? [];
    const selected = new Map(policies.map((p) => [policyKey(p), selectedPods(snapshot, p)]));
    const allSelected = [...selected.values()].flat();
    const podScope = (pods: KubePod[], extra: ResourceRef[] = []) => POD_SYMPTOMS.map((symptom) => ({ symptom, resources: uniqueRefs([...pods.map((p) => resource.pod(`${p.metadata?.namespace}/${p.metadata?.name}`)), ...extra]) }));
    const region = snapshot.cluster.region;

    const roleArn = snapshot.aws.cluster?.roleArn;
    const roleName = roleArn?.split('/').pop();
    const attached = roleName ? (snapshot.aws.iamAttachedRolePolicies ?? []).find((p) => p.RoleName === roleName) : undefined;
    if (roleName && attached && !attached.AttachedPolicies.some((p) => p.PolicyName === CONTROLLER_POLICY)) {
      findings.push({
        code: 'controller-policy-missing',
        keyResource: roleArn!,
        title: `Cluster role ${roleName} lacks ${CONTROLLER_POLICY}: security groups for pods cannot work`,
        rootCause: `ENABLE_POD_ENI is on, but the cluster role ${roleName} does not have ${CONTROLLER_POLICY}, which the VPC resource controller needs to create trunk and branch interfaces: no node gets a trunk interface and ${allSelected.length > 0 ? `the ${allSelected.length} pod(s) SecurityGroupPolicies select wait` : 'pods SecurityGroupPolicies select wait'} in ContainerCreating.`,
        evidence: [`Policies attached to ${roleName}: ${attached.AttachedPolicies.map((p) => p.PolicyName).join(', ') || 'none'}.`, `aws-node sets ENABLE_POD_ENI=true.`],
        resources: [resource.role(roleArn!)],
        fix: {
          summary: `Attach ${CONTROLLER_POLICY} to the cluster role.`,
          commands: [`aws iam attach-role-policy --role-name ${roleName} --policy-arn arn:aws:iam::aws:policy/${CONTROLLER_POLICY}`],
          docs: [DOCS.securityGroupsForPods, DOCS.clusterIamRole],
        },
        canExplain: podScope(allSelected),
      });
    }

    // Without the controller's policy no node gets a trunk: that is the cause, the nodes its evidence.
    const withoutTrunk = (snapshot.kubernetes.nodes ?? []).filter((n) => isEc2LinuxNode(n) && n.metadata?.labels?.[TRUNK_LABEL] !== 'true');
    if (findings.length > 0 && withoutTrunk.length > 0) findings[0]!.evidence.push(`${withoutTrunk.length} EC2 node(s) have no trunk interface (${TRUNK_LABEL} not true): ${withoutTrunk.slice(0, 5).map((n) => n.metadata?.name).join(', ')}.`);
    else if (withoutTrunk.length > 0) {
      const names = withoutTrunk.map((n) => n.metadata?.name ?? '?');
      const types = [...new Set(withoutTrunk.map((n) => n.metadata?.labels?.['node.kubernetes.io/instance-type']).filter((t): t is string => !!t))].sort();
      const tFamily = types.filter((t) => /^t\d/.test(t));
      const stuckThere = allSelected.filter((p) => names.includes(p.spec?.nodeName ?? ''));
      findings.push({
        code: 'trunk-not-attached',
        keyResource: names[0]!,
        title: `${withoutTrunk.length} node${withoutTrunk.length === 1 ? ' has' : 's have'} no trunk interface for security groups for pods`,
        rootCause: `ENABLE_POD_ENI is on, but ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''} ${withoutTrunk.length === 1 ? 'has' : 'have'} no ${TRUNK_LABEL}=true label: ${tFamily.length > 0 ? `${tFamily.join(', ')} ${tFamily.length === 1 ? 'is a t-family type, which cannot have' : 'are t-family types, which cannot have'} a trunk interface` : `their instance type${types.length === 1 ? ` (${types[0]})` : 's'} may not be trunk-compatible in the VPC resource controller's limits table, or the controller could not attach one`}. Pods a SecurityGroupPolicy selects cannot get a branch interface there.`,
        evidence: [
          ...withoutTrunk.slice(0, 5).map((n) => `Node ${n.metadata?.name} (${n.metadata?.labels?.['node.kubernetes.io/instance-type'] ?? 'type unknown'}): ${TRUNK_LABEL} ${n.metadata?.labels?.[TRUNK_LABEL] ?? 'absent'}, vpc.amazonaws.com/pod-eni allocatable ${n.status?.allocatable?.['vpc.amazonaws.com/pod-eni'] ?? 'none'}.`),
          ...(stuckThere.length > 0 ? [`Pods selected by a SecurityGroupPolicy on them: ${stuckThere.slice(0, 5).map((p) => `${p.metadata?.namespace}/${p.metadata?.name} (${p.status?.phase})`).join(', ')}.`] : []),
        ],
        resources: uniqueRefs(withoutTrunk.slice(0, 20).map((n) => resource.node(n.metadata?.name ?? ''))),
        fix: {
          summary: `Run the pods that need security groups on trunk-compatible instance types (IsTrunkingCompatible in ${LIMITS_TABLE}); check the controller's events for the nodes that should have one.`,
          commands: [`kubectl get nodes -L ${TRUNK_LABEL} -L node.kubernetes.io/instance-type`, `kubectl get events -A --field-selector involvedObject.kind=Node,involvedObject.name=${names[0]}`],
          docs: [DOCS.securityGroupsForPods],
        },
        canExplain: POD_SYMPTOMS.map((symptom) => ({ symptom, resources: uniqueRefs([...withoutTrunk.map((n) => resource.node(n.metadata?.name ?? '')), ...stuckThere.map((p) => resource.pod(`${p.metadata?.namespace}/${p.metadata?.name}`))]) })),
      });
    }

    for (const policy of policies) {
      const key = policyKey(policy);
      const groups = policy.spec?.securityGroups?.groupIds ?? [];
      const pods = selected.get(key) ?? [];
      const policyRef = resource.securityGroupPolicy(key);
      if (groups.length > MAX_GROUPS) {
        findings.push({
          code: 'policy-too-many-groups',
          keyResource: key,
          title: `SecurityGroupPolicy ${key} names ${groups.length} security groups; a pod interface takes at most ${MAX_GROUPS}`,
          rootCause: `SecurityGroupPolicy ${key} names ${groups.length} security groups, more than the ${MAX_GROUPS} a branch interface can carry: the pods it selects cannot get one and wait in ContainerCreating.`,
          evidence: [`Security groups: ${groups.join(', ')}.`, ...pods.slice(0, 5).map((p) => `Selected: ${p.metadata?.namespace}/${p.metadata?.name} (${p.status?.phase}).`)],
          resources: [policyRef],
          fix: { summary: `Merge the rules into at most ${MAX_GROUPS} groups and list only those in the policy.`, commands: [`kubectl edit securitygrouppolicies.vpcresources.k8s.aws -n ${policy.metadata?.namespace} ${policy.metadata?.name}`], docs: [DOCS.securityGroupsForPods] },
          canExplain: podScope(pods, [policyRef]),
        });
      }
      const missing = snapshot.aws.securityGroups ? groups.filter((g) => !snapshot.aws.securityGroups!.some((x) => x.GroupId === g)) : [];
      if (missing.length > 0) {
        findings.push({
          code: 'policy-group-missing',
          keyResource: key,
          title: `SecurityGroupPolicy ${key} names security group${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that do${missing.length === 1 ? 'es' : ''} not exist`,
          rootCause: `SecurityGroupPolicy ${key} names ${missing.join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist in the cluster's VPC: the controller cannot create branch interfaces for the ${pods.length} pod(s) it selects, and they wait in ContainerCreating.`,
          evidence: [`Security groups: ${groups.join(', ')}.`, ...pods.slice(0, 5).map((p) => `Selected: ${p.metadata?.namespace}/${p.metadata?.name} (${p.status?.phase}).`)],
          resources: uniqueRefs([policyRef, ...missing.map((g) => resource.securityGroup(g))]),
          fix: {
            summary: 'Replace the missing groups in the policy with existing ones (the cluster security group lets the pods reach the control plane and CoreDNS).',
            commands: [`aws ec2 describe-security-groups --group-ids ${missing.join(' ')} --region ${region}`, `kubectl edit securitygrouppolicies.vpcresources.k8s.aws -n ${policy.metadata?.namespace} ${policy.metadata?.name}`],
            docs: [DOCS.securityGroupsForPods],
          },
          canExplain: podScope(pods, [policyRef]),
        });
        continue;
      }
      const dns = corednsPeer(snapshot);
      if (snapshot.aws.securityGroups && groups.length > 0 && dns) {
        const verdict = groupsAllow(snapshot, groups, 'egress', 'udp', 53, dns);
        if (!verdict.allowed && !verdict.uncertain) {
          findings.push({
            code: 'policy-blocks-dns',
            keyResource: key,
            title: `SecurityGroupPolicy ${key}: its security groups do not let the pods reach CoreDNS on UDP 53`,
            rootCause: `The pods SecurityGroupPolicy ${key} selects carry only ${groups.map((g) => groupLabel(snapshot, g)).join(', ')}, and none allows UDP 53 out to the CoreDNS pods (${dns.cidrs.join(', ') || dns.groupIds.join(', ')}): they cannot resolve names.`,
            evidence: [`Security groups: ${groups.map((g) => groupLabel(snapshot, g)).join(', ')}.`, `CoreDNS pods: ${dns.cidrs.join(', ')} on nodes with ${dns.groupIds.join(', ')}.`],
            resources: uniqueRefs([policyRef, ...groups.map((g) => resource.securityGroup(g))]),
            fix: {
              summary: "Allow UDP and TCP 53 out to the cluster security group (the CoreDNS pods') from one of the policy's groups.",
              commands: [`aws ec2 authorize-security-group-egress --group-id ${groups[0]} --ip-permissions IpProtocol=udp,FromPort=53,ToPort=53,UserIdGroupPairs=[{GroupId=${dns.groupIds[0] ?? '<coredns-sg>'}}] IpProtocol=tcp,FromPort=53,ToPort=53,UserIdGroupPairs=[{GroupId=${dns.groupIds[0] ?? '<coredns-sg>'}}] --region ${region}`],
              docs: [DOCS.securityGroupsForPods],
            },
          });
        }
      }
    }
    return findings;
  },
});

function policyKey(p: SecurityGroupPolicy): string {
  return `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
}

/** EC2 Linux nodes: the only ones that can have a trunk interface (not Fargate, hybrid or Windows). */
function isEc2LinuxNode(node: KubeNode): boolean {
  const labels = node.metadata?.labels ?? {};
  if (labels['eks.amazonaws.com/compute-type'] === 'fargate' || labels['eks.amazonaws.com/compute-type'] === 'hybrid') return false;
  if (labels['kubernetes.io/os'] === 'windows') return false;
  return (node.spec?.providerID ?? '').startsWith('aws:///');
}

/** The not-running pods a policy selects (by pod labels and ServiceAccount labels, in its namespace). */
function selectedPods(snapshot: Snapshot, policy: SecurityGroupPolicy): KubePod[] {
  const namespace = policy.metadata?.namespace;
  const accounts = snapshot.kubernetes.serviceAccounts ?? [];
  return (snapshot.kubernetes.problemPods ?? []).filter((pod) => {
    if (pod.metadata?.namespace !== namespace) return false;
    if (policy.spec?.podSelector && !matchesSelector(pod.metadata?.labels, policy.spec.podSelector)) return false;
    if (policy.spec?.serviceAccountSelector) {
      const sa = accounts.find((a) => a.metadata?.namespace === namespace && a.metadata?.name === (pod.spec?.serviceAccountName ?? 'default'));
      if (!matchesSelector(sa?.metadata?.labels, policy.spec.serviceAccountSelector)) return false;
    }
    return policy.spec?.podSelector !== undefined || policy.spec?.serviceAccountSelector !== undefined;
  });
}

/** The CoreDNS pods as a security-group peer: their addresses, and the groups of the cluster (their nodes'). */
function corednsPeer(snapshot: Snapshot): { groupIds: string[]; cidrs: string[] } | undefined {
  // EKS's CoreDNS pods carry k8s-app=kube-dns and eks.amazonaws.com/component=coredns; a self-managed one at least its name.
  const isCoredns = (p: KubePod) => p.metadata?.labels?.['k8s-app'] === 'kube-dns' || p.metadata?.labels?.['eks.amazonaws.com/component'] === 'coredns' || (p.metadata?.name ?? '').startsWith('coredns-');
  const pods = (snapshot.kubernetes.kubeSystemPods ?? []).filter((p) => isCoredns(p) && p.status?.podIP);
  if (pods.length === 0) return undefined;
  const clusterGroup = snapshot.aws.cluster?.resourcesVpcConfig?.clusterSecurityGroupId;
  return { groupIds: clusterGroup ? [clusterGroup] : [], cidrs: pods.map((p) => `${p.status!.podIP}/32`) };
}
