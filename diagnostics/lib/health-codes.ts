/**
 * What every EKS health issue code means and what to do about it, in the on-call engineer's words.
 *
 * The code lists are the enums of the EKS API (botocore/data/eks/2017-11-01/service-2.json shapes
 * NodegroupIssueCode, ClusterIssueCode and AddonIssueCode; the same enums ship in
 * @aws-sdk/client-eks). The meanings follow the EKS API reference (Issue, ClusterIssue, AddonIssue)
 * and the user guide's troubleshooting chapter ("Managed node group error codes", "Cluster health
 * FAQs and error codes with resolution paths"). A test fails when the SDK's enums gain a code that
 * is not here.
 */
import { managedPolicyArn, NODE_ROLE_POLICIES_TO_ATTACH } from '../../src/domain/eks-constants.js';
import { instanceProfileNameOf, roleNameOf } from '../../src/domain/iam-arn.js';
import type { FindingCode } from '../../src/engine/diagnostic.js';
import type { Fix, Severity } from '../../src/engine/finding.js';
import type { SymptomKind } from '../../src/engine/symptoms.js';
import { DOCS } from './docs-links.js';

/** 'AsgInstanceLaunchFailures' -> 'asg-instance-launch-failures': the finding code of a health code. */
export function healthCodeToFindingCode(code: string): string {
  return code
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** A fix without its docs (the code's entry holds those): the recommended way and any alternatives. */
export type HealthFix = Omit<Fix, 'docs'>;

interface CodeEntry<Ctx> {
  severity: Severity;
  /** Catalogue title, generic. */
  title: string;
  /** What the code means and why it happens, in plain words. */
  cause: string;
  fix(ctx: Ctx): HealthFix;
  docs: string[];
}

/** What a node group health finding's fix text can use: real names, never placeholders. */
export interface NodegroupContext {
  cluster: string;
  region: string;
  nodegroup: string;
  nodegroupArn: string;
  asgNames: string[];
  subnets: string[];
  nodeRoleArn?: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  instanceTypes: string[];
  capacityType?: string;
  amiType?: string;
  /** The issue's own resourceIds. */
  resourceIds: string[];
  /** The cluster security group (from DescribeCluster). */
  clusterSecurityGroupId?: string;
}

/** Which of the node group's configured resources an issue concerns, so causes can scope it. */
export type NodegroupRelated = 'nodeRole' | 'subnets' | 'launchTemplate' | 'autoScalingGroups' | 'clusterSecurityGroup';

export interface NodegroupCodeEntry extends CodeEntry<NodegroupContext> {
  /** Configured resources named on the finding besides the issue's resourceIds. */
  related: NodegroupRelated[];
  /** Symptom kinds a finding of this code explains, within the node group's resources. */
  explains?: SymptomKind[];
}

const roleName = (arn: string | undefined) => (arn === undefined ? '<node-role-name>' : roleNameOf(arn));
const ids = (list: string[], fallback: string) => (list.length > 0 ? list.join(' ') : fallback);
const describeNodegroup = (c: NodegroupContext) => `aws eks describe-nodegroup --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region} --query nodegroup.health`;
const scalingActivities = (c: NodegroupContext) =>
  c.asgNames.map((asg) => `aws autoscaling describe-scaling-activities --auto-scaling-group-name ${asg} --max-items 5 --region ${c.region}`);
const byPrefix = (list: string[], prefix: string) => list.filter((id) => id.startsWith(prefix));
const subnetsOf = (c: NodegroupContext) => (byPrefix(c.resourceIds, 'subnet-').length > 0 ? byPrefix(c.resourceIds, 'subnet-') : c.subnets);
const replaceNodegroupSteps = (c: NodegroupContext, why: string) => [
  `# ${why}: create a replacement node group, move the workloads, then delete the broken one`,
  `eksctl create nodegroup --cluster ${c.cluster} --region ${c.region} --name ${c.nodegroup}-v2 --managed${c.instanceTypes[0] ? ` --node-type ${c.instanceTypes[0]}` : ''}`,
  `eksctl drain nodegroup --cluster ${c.cluster} --region ${c.region} --name ${c.nodegroup}`,
  `aws eks delete-nodegroup --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region}`,
];

/** All 36 NodegroupIssueCode values. */
export const NODEGROUP_ISSUE_CODES = {
  AccessDenied: {
    severity: 'critical',
    title: 'Node group cannot authenticate or is not authorized with the API server',
    cause:
      'Amazon EKS or the managed nodes are failing to authenticate or authorize with the Kubernetes API server. The usual cause is a deleted or edited eks:node-manager ClusterRole or ClusterRoleBinding, or the node role removed from aws-auth or its access entry.',
    fix: (c) => ({
      summary: `Restore the eks:node-manager ClusterRole and ClusterRoleBinding if they are missing or edited, and make sure ${roleName(c.nodeRoleArn)} is mapped (access entry of type EC2_LINUX or aws-auth).`,
      commands: [
        'kubectl describe clusterrole eks:node-manager',
        'kubectl describe clusterrolebinding eks:node-manager',
        `aws eks list-access-entries --cluster-name ${c.cluster} --region ${c.region}`,
        ...(c.nodeRoleArn ? [`aws eks describe-access-entry --cluster-name ${c.cluster} --principal-arn ${c.nodeRoleArn} --region ${c.region}`] : []),
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['nodeRole'],
    explains: ['instance-not-joined', 'node-not-ready'],
  },
  AmiIdNotFound: {
    severity: 'critical',
    title: 'The AMI in the node group launch template does not exist',
    cause: 'The AMI ID in the launch template cannot be found: it was deregistered, or it is not shared with this account or Region. No new node can launch.',
    fix: (c) => ({
      summary: 'Point the launch template at an AMI that exists and is shared with the account, then update the node group to that template version.',
      commands: [
        `aws ec2 describe-images --image-ids ${ids(byPrefix(c.resourceIds, 'ami-'), '<ami-id>')} --region ${c.region}`,
        ...(c.launchTemplate?.id
          ? [
              `aws ec2 create-launch-template-version --launch-template-id ${c.launchTemplate.id} --source-version ${c.launchTemplate.version ?? '$Latest'} --launch-template-data '{"ImageId":"<valid-ami-id>"}' --region ${c.region}`,
              `aws eks update-nodegroup-version --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --launch-template id=${c.launchTemplate.id},version=<new-version> --region ${c.region}`,
            ]
          : []),
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.launchTemplates],
    related: ['launchTemplate', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  AsgInstanceLaunchFailures: {
    severity: 'critical',
    title: 'The node group Auto Scaling group fails to launch instances',
    cause:
      "The node group's Auto Scaling group keeps failing to launch EC2 instances. The failed scaling activities say why: no capacity for the instance type in the Availability Zone, a vCPU quota, a subnet out of addresses, an invalid launch template, or a missing instance profile or AMI.",
    fix: (c) => ({
      summary: 'Read the status message of the failed scaling activities and fix what it names; the Auto Scaling group retries on its own once the cause is gone.',
      commands: scalingActivities(c),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.asgTroubleshooting],
    related: ['autoScalingGroups', 'subnets', 'launchTemplate'],
    explains: ['asg-capacity-shortfall'],
  },
  AutoScalingGroupInstanceRefreshActive: {
    severity: 'warning',
    title: 'An instance refresh is running on the node group Auto Scaling group',
    cause:
      'An Auto Scaling instance refresh is in progress on the node group\'s Auto Scaling group. Amazon EKS cannot update or scale the node group until it finishes: someone started it outside EKS, which managed node groups do not expect.',
    fix: (c) => ({
      summary: 'Let the instance refresh finish or cancel it, then retry the node group operation. Update managed node groups through EKS, not with instance refreshes.',
      commands: c.asgNames.flatMap((asg) => [
        `aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${asg} --region ${c.region}`,
        `aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${asg} --region ${c.region}`,
      ]),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.asgInstanceRefresh],
    related: ['autoScalingGroups'],
  },
  AutoScalingGroupInvalidConfiguration: {
    severity: 'critical',
    title: 'The node group Auto Scaling group was reconfigured outside EKS',
    cause:
      "The node group's Auto Scaling group has a configuration Amazon EKS cannot work with, usually because it was edited directly (launch template, mixed instances policy, subnets or capacity settings changed outside EKS).",
    fix: (c) => ({
      summary: 'Compare the Auto Scaling group with the node group and undo the direct edits; change a managed node group only through the EKS API.',
      commands: [
        ...c.asgNames.map((asg) => `aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${asg} --region ${c.region}`),
        `aws eks describe-nodegroup --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region}`,
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['autoScalingGroups', 'launchTemplate'],
    explains: ['asg-capacity-shortfall'],
  },
  AutoScalingGroupNotFound: {
    severity: 'critical',
    title: 'The node group Auto Scaling group was deleted',
    cause: "The Auto Scaling group behind the managed node group no longer exists, so the node group cannot launch, replace or scale nodes. Someone or some automation deleted it outside EKS.",
    fix: (c) => ({
      summary: `Recreate an Auto Scaling group named ${c.asgNames[0] ?? '<asg-name>'} with the same settings, or replace the node group.`,
      commands: replaceNodegroupSteps(c, 'The Auto Scaling group is gone'),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['autoScalingGroups'],
    explains: ['node-not-ready', 'instance-not-joined'],
  },
  AutoScalingGroupOptInRequired: {
    severity: 'critical',
    title: 'The account is not subscribed to Amazon EC2 Auto Scaling',
    cause: 'The AWS account must opt in to (be subscribed to) Amazon EC2 Auto Scaling before Amazon EKS can create the node group\'s Auto Scaling group. New or restricted accounts can hit this.',
    fix: (c) => ({
      summary: 'Complete the account activation for EC2 and Auto Scaling (billing and identity verification), or ask AWS Support to enable it, then recreate the node group.',
      commands: [`aws autoscaling describe-account-limits --region ${c.region}`, describeNodegroup(c)],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['autoScalingGroups'],
  },
  AutoScalingGroupRateLimitExceeded: {
    severity: 'warning',
    title: 'Auto Scaling API calls for the node group are throttled',
    cause: 'Amazon EKS is being throttled by the Auto Scaling API in this account and Region, often because other automation calls it heavily. Node group operations are delayed until the rate drops.',
    fix: (c) => ({
      summary: 'Find what else calls the Auto Scaling API in a tight loop (CloudTrail shows the callers) and slow it down; EKS retries the operation.',
      commands: [
        `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=autoscaling.amazonaws.com --max-results 50 --region ${c.region}`,
        describeNodegroup(c),
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['autoScalingGroups'],
  },
  ClusterUnreachable: {
    severity: 'critical',
    title: 'Amazon EKS or the nodes cannot reach the API server',
    cause:
      'Amazon EKS or the managed nodes cannot communicate with the Kubernetes API server: a network disruption (security groups, routes, endpoint access settings) or an API server timing out on requests.',
    fix: (c) => ({
      summary: 'Check that the nodes can reach the cluster endpoint (private access on, or public access CIDRs that include the nodes\' egress addresses; TCP 443 allowed to the cluster security group).',
      commands: [
        `aws eks describe-cluster --name ${c.cluster} --region ${c.region} --query cluster.resourcesVpcConfig`,
        ...(c.clusterSecurityGroupId ? [`aws ec2 describe-security-groups --group-ids ${c.clusterSecurityGroupId} --region ${c.region}`] : []),
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.clusterEndpoint],
    related: ['subnets', 'clusterSecurityGroup'],
    explains: ['instance-not-joined', 'node-not-ready'],
  },
  Ec2InstanceTypeDoesNotExist: {
    severity: 'critical',
    title: 'An instance type of the node group is not offered in the Region',
    cause: 'One or more of the instance types given to the node group do not exist, or are not offered in this Region or in the Availability Zones of its subnets.',
    fix: (c) => ({
      summary: 'Instance types cannot be changed on an existing node group: create a node group with types offered in these Availability Zones and remove this one.',
      commands: [
        `aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${c.instanceTypes.join(',') || '<instance-type>'} --region ${c.region}`,
        ...replaceNodegroupSteps(c, 'Instance types are immutable'),
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['launchTemplate', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  Ec2LaunchTemplateDeletionFailure: {
    severity: 'warning',
    title: 'Amazon EKS could not delete the node group launch template',
    cause: 'Amazon EKS failed to delete a launch template it created for the node group, typically because something else still references it or a policy denies ec2:DeleteLaunchTemplate.',
    fix: (c) => ({
      summary: 'Check what still uses the launch template, then delete it yourself.',
      commands: [
        `aws ec2 describe-launch-templates --launch-template-ids ${ids(byPrefix(c.resourceIds, 'lt-'), c.launchTemplate?.id ?? '<launch-template-id>')} --region ${c.region}`,
        `aws ec2 delete-launch-template --launch-template-id ${byPrefix(c.resourceIds, 'lt-')[0] ?? c.launchTemplate?.id ?? '<launch-template-id>'} --region ${c.region}`,
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['launchTemplate'],
  },
  Ec2LaunchTemplateInvalidConfiguration: {
    severity: 'critical',
    title: 'The node group launch template has settings managed node groups reject',
    cause:
      'The launch template sets something managed node groups do not allow or that conflicts with the node group (an IAM instance profile, subnets in network interfaces, hibernation, an instance type also set on the node group, an invalid block device mapping).',
    fix: (c) => ({
      summary: 'Remove the prohibited settings in a new launch template version and update the node group to it.',
      commands: c.launchTemplate?.id
        ? [
            `aws ec2 describe-launch-template-versions --launch-template-id ${c.launchTemplate.id} --versions ${c.launchTemplate.version ?? '$Latest'} --region ${c.region}`,
            `aws eks update-nodegroup-version --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --launch-template id=${c.launchTemplate.id},version=<fixed-version> --region ${c.region}`,
          ]
        : [describeNodegroup(c)],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.launchTemplates],
    related: ['launchTemplate', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  Ec2LaunchTemplateMaxLimitExceeded: {
    severity: 'critical',
    title: 'The account has reached its launch template quota',
    cause: 'Amazon EKS cannot create the launch template the node group needs because the account has reached the EC2 launch templates quota for the Region.',
    fix: (c) => ({
      summary: 'Delete launch templates that nothing uses any more, or request a quota increase, then retry.',
      commands: [
        `aws ec2 describe-launch-templates --region ${c.region} --query 'LaunchTemplates[].[LaunchTemplateId,LaunchTemplateName,CreateTime]' --output table`,
        `aws ec2 delete-launch-template --launch-template-id <unused-launch-template-id> --region ${c.region}`,
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.ec2ResourceLimits],
    related: ['launchTemplate'],
  },
  Ec2LaunchTemplateNotFound: {
    severity: 'critical',
    title: 'The node group launch template was deleted',
    cause: "The EC2 launch template of the managed node group no longer exists, so the Auto Scaling group cannot launch nodes and the node group cannot be updated.",
    fix: (c) => ({
      summary: 'A node group cannot switch to another launch template ID: replace the node group.',
      commands: replaceNodegroupSteps(c, `Launch template ${c.launchTemplate?.id ?? byPrefix(c.resourceIds, 'lt-')[0] ?? ''} is gone`.trim()),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.launchTemplates],
    related: ['launchTemplate', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  Ec2LaunchTemplateVersionMaxLimitExceeded: {
    severity: 'critical',
    title: 'The node group launch template has reached its version quota',
    cause: 'The launch template has as many versions as EC2 allows, so Amazon EKS cannot create the new version an update needs.',
    fix: (c) => {
      const lt = byPrefix(c.resourceIds, 'lt-')[0] ?? c.launchTemplate?.id ?? '<launch-template-id>';
      return {
        summary: 'Delete old versions of the launch template that no node group or Auto Scaling group uses, then retry the update.',
        commands: [
          `aws ec2 describe-launch-template-versions --launch-template-id ${lt} --region ${c.region} --query 'LaunchTemplateVersions[].VersionNumber'`,
          `aws ec2 delete-launch-template-versions --launch-template-id ${lt} --versions <old-version> <old-version> --region ${c.region}`,
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.ec2ResourceLimits],
    related: ['launchTemplate'],
  },
  Ec2LaunchTemplateVersionMismatch: {
    severity: 'critical',
    title: 'The Auto Scaling group uses a launch template version EKS did not set',
    cause: "The launch template version on the node group's Auto Scaling group does not match the version Amazon EKS created: someone changed the version on the Auto Scaling group directly.",
    fix: (c) => ({
      summary: 'Set the Auto Scaling group back to the launch template version Amazon EKS created; roll out template changes with update-nodegroup-version instead.',
      commands: c.asgNames.map(
        (asg) =>
          `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${asg} --launch-template LaunchTemplateId=${c.launchTemplate?.id ?? '<launch-template-id>'},Version=${c.launchTemplate?.version ?? '<eks-version>'} --region ${c.region}`,
      ),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.launchTemplates],
    related: ['launchTemplate', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  Ec2SecurityGroupDeletionFailure: {
    severity: 'warning',
    title: 'The node group remote-access security group could not be deleted',
    cause: 'Amazon EKS could not delete the remote-access (SSH) security group it created for the node group, because another resource (a network interface, another group\'s rule) still depends on it.',
    fix: (c) => {
      const sg = byPrefix(c.resourceIds, 'sg-')[0] ?? '<security-group-id>';
      return {
        summary: `Remove what still references ${sg}, then delete it.`,
        commands: [
          `aws ec2 describe-network-interfaces --filters Name=group-id,Values=${sg} --region ${c.region}`,
          `aws ec2 describe-security-group-rules --filters Name=referenced-group-id,Values=${sg} --region ${c.region}`,
          `aws ec2 delete-security-group --group-id ${sg} --region ${c.region}`,
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: [],
  },
  Ec2SecurityGroupNotFound: {
    severity: 'critical',
    title: 'The cluster security group was deleted',
    cause: 'Amazon EKS cannot find the cluster security group the node group attaches to its nodes. It was deleted outside EKS; the cluster security group cannot be recreated.',
    fix: (c) => ({
      summary: 'The cluster security group cannot be restored: the documented fix is to recreate the cluster. Confirm it is gone first.',
      commands: [`aws ec2 describe-security-groups --group-ids ${ids(byPrefix(c.resourceIds, 'sg-'), c.clusterSecurityGroupId ?? '<security-group-id>')} --region ${c.region}`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['clusterSecurityGroup', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall', 'instance-not-joined'],
  },
  Ec2SubnetInvalidConfiguration: {
    severity: 'critical',
    title: 'A public node group subnet does not assign public IP addresses',
    cause:
      'A subnet of the node group is public (routes to an internet gateway) but does not auto-assign public IPv4 addresses, so nodes launched there cannot reach the API server or pull images. Managed node groups refuse such subnets.',
    fix: (c) => ({
      summary: 'Turn on auto-assign public IPv4 for the subnets, or use private subnets with a NAT gateway.',
      commands: subnetsOf(c).map((s) => `aws ec2 modify-subnet-attribute --subnet-id ${s} --map-public-ip-on-launch --region ${c.region}`),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.subnetPublicIp],
    related: ['subnets', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall', 'instance-not-joined'],
  },
  Ec2SubnetListTooLong: {
    severity: 'critical',
    title: 'The node group has more subnets than its Auto Scaling group accepts',
    cause: 'The list of subnets given to the node group is too long for the Auto Scaling group to accept, so Amazon EKS cannot create or update it.',
    fix: (c) => ({
      summary: 'Subnets cannot be changed on an existing node group: create the node group again with fewer subnets (one or two per Availability Zone).',
      commands: [`aws eks describe-nodegroup --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region} --query nodegroup.subnets`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: ['subnets'],
  },
  Ec2SubnetMissingIpv6Assignment: {
    severity: 'critical',
    title: 'A node group subnet does not assign IPv6 addresses (IPv6 cluster)',
    cause: 'The cluster uses IPv6, and a subnet of the node group does not assign IPv6 addresses on creation, so nodes there would get no IPv6 address.',
    fix: (c) => ({
      summary: 'Turn on auto-assign IPv6 addresses for the subnets.',
      commands: subnetsOf(c).map((s) => `aws ec2 modify-subnet-attribute --subnet-id ${s} --assign-ipv6-address-on-creation --region ${c.region}`),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.cniIpv6],
    related: ['subnets', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  Ec2SubnetNotFound: {
    severity: 'critical',
    title: 'A node group subnet was deleted',
    cause: 'A subnet the node group launches into no longer exists, so the Auto Scaling group fails to launch there and node group updates fail.',
    fix: (c) => ({
      summary: 'Subnets cannot be changed on an existing node group: create one in subnets that exist and remove this one.',
      commands: [`aws ec2 describe-subnets --subnet-ids ${ids(subnetsOf(c), '<subnet-id>')} --region ${c.region}`, ...replaceNodegroupSteps(c, 'Node group subnets are immutable')],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.networkReqs],
    related: ['subnets', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  IamInstanceProfileNotFound: {
    severity: 'critical',
    title: 'The node group instance profile was deleted',
    cause: 'The IAM instance profile Amazon EKS created for the node group no longer exists, so new instances cannot launch with the node role.',
    fix: (c) => {
      const profileArn = c.resourceIds.find((id) => id.includes(':instance-profile/'));
      const profileName = profileArn === undefined ? '<instance-profile-name>' : instanceProfileNameOf(profileArn);
      return {
        summary: `Recreate the instance profile ${profileName} and add the node role ${roleName(c.nodeRoleArn)} to it.`,
        commands: [
          `aws iam create-instance-profile --instance-profile-name ${profileName}`,
          `aws iam add-role-to-instance-profile --instance-profile-name ${profileName} --role-name ${roleName(c.nodeRoleArn)}`,
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.createNodeRole],
    related: ['nodeRole', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  IamLimitExceeded: {
    severity: 'critical',
    title: 'An IAM quota stops Amazon EKS from creating the node group resources',
    cause: 'Amazon EKS cannot create an IAM resource for the node group (usually the instance profile) because the account reached an IAM quota such as instance profiles per account.',
    fix: () => ({
      summary: 'Delete unused instance profiles (or roles) or request an IAM quota increase, then retry.',
      commands: ['aws iam get-account-summary --query "SummaryMap.{InstanceProfiles:InstanceProfiles,InstanceProfilesQuota:InstanceProfilesQuota,Roles:Roles,RolesQuota:RolesQuota}"'],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.iamQuotas],
    related: [],
  },
  IamNodeRoleNotFound: {
    severity: 'critical',
    title: 'The node group IAM role was deleted',
    cause: 'The IAM role of the managed node group no longer exists: instances get no credentials, cannot register as nodes, and the node group cannot launch or update.',
    fix: (c) => {
      const name = roleName(c.nodeRoleArn);
      return {
        summary: `Recreate the role ${name} with the same name, the EC2 trust policy and the node policies.`,
        commands: [
          `aws iam create-role --role-name ${name} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`,
          ...NODE_ROLE_POLICIES_TO_ATTACH.map((policy) => `aws iam attach-role-policy --role-name ${name} --policy-arn ${managedPolicyArn(policy)}`),
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.createNodeRole],
    related: ['nodeRole', 'autoScalingGroups'],
    explains: ['instance-not-joined', 'node-not-ready', 'asg-capacity-shortfall'],
  },
  IamThrottling: {
    severity: 'warning',
    title: 'IAM calls for the node group are throttled',
    cause: 'Amazon EKS is being throttled by IAM while working on the node group, usually because other automation calls IAM heavily in the account.',
    fix: (c) => ({
      summary: 'Find the heavy IAM callers in CloudTrail and slow them down; EKS retries the operation.',
      commands: ['aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --max-results 50 --region us-east-1', describeNodegroup(c)],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.iamQuotas],
    related: [],
  },
  InstanceLimitExceeded: {
    severity: 'critical',
    title: 'The account cannot launch more instances of the node group type',
    cause: 'The account reached its EC2 quota (running On-Demand or Spot vCPUs) for the instance family, so the Auto Scaling group cannot launch more nodes.',
    fix: (c) => {
      const quota = c.capacityType === 'SPOT' ? 'L-34B43A08' : 'L-1216C47A';
      return {
        summary: `Request a higher EC2 ${c.capacityType === 'SPOT' ? 'Spot' : 'On-Demand'} vCPU quota (${quota}) or use another instance family.`,
        commands: [
          `aws service-quotas get-service-quota --service-code ec2 --quota-code ${quota} --region ${c.region}`,
          `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quota} --desired-value <vcpus> --region ${c.region}`,
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.ec2ResourceLimits],
    related: ['autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  InsufficientFreeAddresses: {
    severity: 'critical',
    title: 'The node group subnets are out of IP addresses',
    cause: 'One or more subnets of the node group do not have enough free IP addresses for new nodes (each node also reserves addresses for its pods with the VPC CNI).',
    fix: (c) => ({
      summary: 'Free addresses in the subnets, or add a node group in larger subnets (a secondary VPC CIDR, or prefix delegation to pack pod addresses).',
      commands: [`aws ec2 describe-subnets --subnet-ids ${ids(subnetsOf(c), '<subnet-id>')} --region ${c.region} --query 'Subnets[].[SubnetId,AvailabilityZone,AvailableIpAddressCount,CidrBlock]' --output table`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.networkReqs],
    related: ['subnets', 'autoScalingGroups'],
    explains: ['asg-capacity-shortfall'],
  },
  InternalFailure: {
    severity: 'warning',
    title: 'Amazon EKS reports an internal failure on the node group',
    cause: 'Amazon EKS hit a server-side error while managing the node group. It is usually transient and not caused by your configuration.',
    fix: (c) => ({
      summary: 'Retry the last node group operation; if the issue stays, open an AWS Support case with the node group ARN.',
      commands: [describeNodegroup(c), `aws eks list-updates --name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region}`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: [],
  },
  KubernetesLabelInvalid: {
    severity: 'critical',
    title: 'A Kubernetes label of the node group is invalid',
    cause: 'A label set on the node group is not a valid Kubernetes label (bad key or value syntax, or a reserved prefix such as kubernetes.io/ that the kubelet will not set), so nodes cannot register with it.',
    fix: (c) => ({
      summary: 'Remove or correct the invalid label on the node group.',
      commands: [
        `aws eks describe-nodegroup --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region} --query nodegroup.labels`,
        `aws eks update-nodegroup-config --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --labels 'removeLabels=<invalid-label-key>' --region ${c.region}`,
      ],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: [],
    explains: ['instance-not-joined'],
  },
  LimitExceeded: {
    severity: 'critical',
    title: 'A service quota stops the node group operation',
    cause: 'A service quota was reached while Amazon EKS worked on the node group; the issue message names which one.',
    fix: (c) => ({
      summary: 'Read the issue message for the quota, then free capacity or request an increase in Service Quotas.',
      commands: [describeNodegroup(c), `aws service-quotas list-service-quotas --service-code eks --region ${c.region}`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.serviceQuotas],
    related: [],
  },
  NodeCreationFailure: {
    severity: 'critical',
    title: 'Node group instances launched but did not join the cluster',
    cause:
      'Instances of the node group launched but could not register with the cluster within 15 minutes. Common causes: the node role is not mapped (access entry or aws-auth) or lacks its policies, or the nodes have no route to the API server, ECR and STS (no NAT, no VPC endpoints, blocked security groups).',
    fix: (c) => {
      const instance = byPrefix(c.resourceIds, 'i-')[0];
      return {
        summary: 'Check the node role mapping and the nodes\' outbound access; the AWSSupport-TroubleshootEKSWorkerNode runbook checks both for one instance.',
        commands: [
          ...(c.nodeRoleArn ? [`aws eks describe-access-entry --cluster-name ${c.cluster} --principal-arn ${c.nodeRoleArn} --region ${c.region}`] : []),
          `aws ssm start-automation-execution --document-name AWSSupport-TroubleshootEKSWorkerNode --parameters ClusterName=${c.cluster},WorkerID=${instance ?? '<instance-id>'} --region ${c.region}`,
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.troubleshootWorkerNodeRunbook],
    related: ['nodeRole', 'subnets', 'clusterSecurityGroup'],
  },
  NodeTerminationFailure: {
    severity: 'warning',
    title: 'Amazon EKS could not terminate a node of the node group',
    cause: 'Amazon EKS failed to terminate an instance of the node group, typically because of EC2 termination protection, Auto Scaling scale-in protection, or a lifecycle hook that never completes.',
    fix: (c) => {
      const instance = byPrefix(c.resourceIds, 'i-')[0] ?? '<instance-id>';
      return {
        summary: `Remove the protection or complete the lifecycle hook on ${instance}.`,
        commands: [
          `aws ec2 describe-instance-attribute --instance-id ${instance} --attribute disableApiTermination --region ${c.region}`,
          ...c.asgNames.map((asg) => `aws autoscaling describe-lifecycle-hooks --auto-scaling-group-name ${asg} --region ${c.region}`),
        ],
      };
    },
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.managedNodeUpdateBehavior],
    related: ['autoScalingGroups'],
  },
  PodEvictionFailure: {
    severity: 'warning',
    title: 'Pods could not be evicted from a node during a node group update',
    cause: 'During an update, Amazon EKS could not drain a node within 15 minutes: a PodDisruptionBudget allows no disruption, or pods tolerate every taint and keep coming back.',
    fix: (c) => ({
      summary: 'Find the PodDisruptionBudgets with no allowed disruptions and relax them.',
      commands: ['kubectl get poddisruptionbudgets --all-namespaces'],
      alternatives: [{ summary: 'Rerun the update with --force to evict regardless.', commands: [`aws eks update-nodegroup-version --cluster-name ${c.cluster} --nodegroup-name ${c.nodegroup} --force --region ${c.region}`] }],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.managedNodeUpdateBehavior],
    related: [],
  },
  SourceEc2LaunchTemplateNotFound: {
    severity: 'critical',
    title: 'The launch template the node group was created from was deleted',
    cause: 'The node group was created from your own launch template, and that template was deleted. Amazon EKS cannot read it to update or repair the node group.',
    fix: (c) => ({
      summary: 'A node group can only move to versions of the same launch template: replace the node group with one that uses a template that exists.',
      commands: replaceNodegroupSteps(c, 'The source launch template is gone'),
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.launchTemplates],
    related: ['launchTemplate'],
  },
  Unknown: {
    severity: 'warning',
    title: 'Amazon EKS reports an unclassified node group issue',
    cause: 'Amazon EKS reported a node group problem without a specific code; its message is the only description.',
    fix: (c) => ({
      summary: 'Read the issue message and the node group\'s recent updates for what failed.',
      commands: [describeNodegroup(c), `aws eks list-updates --name ${c.cluster} --nodegroup-name ${c.nodegroup} --region ${c.region}`],
    }),
    docs: [DOCS.troubleshootManagedNodeGroups, DOCS.apiNodegroupIssue],
    related: [],
  },
} satisfies Record<string, NodegroupCodeEntry>;

export type NodegroupIssueCodeName = keyof typeof NODEGROUP_ISSUE_CODES;

/** What a cluster health finding's fix text can use. */
export interface ClusterContext {
  cluster: string;
  region: string;
  resourceIds: string[];
  roleArn?: string;
  subnetIds: string[];
  securityGroupIds: string[];
  vpcId?: string;
  kmsKeyArn?: string;
  version?: string;
}

export interface ClusterCodeEntry extends CodeEntry<ClusterContext> {
  /** Whether the cluster can recover without being recreated (the user guide's "Cluster Recoverable?"). */
  recoverable: boolean;
}

const clusterSubnets = (c: ClusterContext) => (byPrefix(c.resourceIds, 'subnet-').length > 0 ? byPrefix(c.resourceIds, 'subnet-') : c.subnetIds);
const kmsKey = (c: ClusterContext) => c.resourceIds.find((id) => id.includes(':kms:')) ?? c.kmsKeyArn ?? '<kms-key-arn>';
const describeClusterHealth = (c: ClusterContext) => `aws eks describe-cluster --name ${c.cluster} --region ${c.region} --query cluster.health`;

/** All 19 ClusterIssueCode values. */
export const CLUSTER_ISSUE_CODES = {
  AccessDenied: {
    severity: 'critical',
    title: 'Amazon EKS cannot assume the cluster role or lacks permissions',
    cause:
      'Amazon EKS could not assume the cluster IAM role, or the role does not grant the permissions EKS needs to manage the cluster (its trust policy no longer allows eks.amazonaws.com, AmazonEKSClusterPolicy was detached, or an explicit deny or SCP blocks it).',
    fix: (c) => {
      const name = roleName(c.resourceIds.find((id) => id.includes(':role/')) ?? c.roleArn);
      return {
        summary: `Make sure ${name} trusts eks.amazonaws.com and has AmazonEKSClusterPolicy attached, with no deny policy or SCP blocking it.`,
        commands: [
          `aws iam get-role --role-name ${name} --query Role.AssumeRolePolicyDocument`,
          `aws iam list-attached-role-policies --role-name ${name}`,
          `aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy`,
        ],
      };
    },
    docs: [DOCS.clusterHealthStatus, DOCS.clusterIamRole],
    recoverable: true,
  },
  ClusterUnreachable: {
    severity: 'critical',
    title: 'Amazon EKS cannot reach the cluster API server',
    cause: 'Amazon EKS cannot communicate with the cluster\'s Kubernetes API server, for example when the API server is overloaded or something in the cluster blocks requests EKS makes.',
    fix: (c) => ({
      summary: 'Check that the API server answers (kubectl get --raw=/readyz) and that admission webhooks with failurePolicy Fail have running backends.',
      commands: ['kubectl get --raw=/readyz?verbose', 'kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations', describeClusterHealth(c)],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  ConfigurationConflict: {
    severity: 'critical',
    title: 'The cluster configuration conflicts with its infrastructure',
    cause: 'Amazon EKS found the cluster\'s configuration in conflict with the resources it depends on (something changed outside EKS); the issue message says what.',
    fix: (c) => ({
      summary: 'Read the issue message and undo the change made outside EKS, or update the cluster configuration to match.',
      commands: [describeClusterHealth(c)],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  Ec2SecurityGroupNotFound: {
    severity: 'critical',
    title: 'A security group of the cluster was deleted',
    cause: 'One or more security groups associated with the cluster no longer exist. Amazon EKS cannot create control-plane network interfaces with them, so updates fail and kubectl exec and logs can break.',
    fix: (c) => {
      const missing = byPrefix(c.resourceIds, 'sg-');
      const kept = c.securityGroupIds.filter((g) => !missing.includes(g));
      return {
        summary: 'Point the cluster at security groups that exist.',
        commands: [
          `aws ec2 describe-security-groups --group-ids ${ids(missing, '<security-group-id>')} --region ${c.region}`,
          `aws eks update-cluster-config --name ${c.cluster} --region ${c.region} --resources-vpc-config securityGroupIds=${kept.join(',') || '<existing-security-group-id>'}`,
        ],
      };
    },
    docs: [DOCS.clusterHealthStatus, DOCS.networkReqs],
    recoverable: true,
  },
  Ec2ServiceNotSubscribed: {
    severity: 'critical',
    title: 'The account is not subscribed to Amazon EC2',
    cause: 'The account has no Amazon EC2 service subscription, so Amazon EKS cannot create the network interfaces the cluster needs.',
    fix: (c) => ({
      summary: 'Complete the account\'s EC2 activation (account settings, billing verification) or ask AWS Support, then wait for the issue to clear.',
      commands: [`aws ec2 describe-account-attributes --region ${c.region}`, describeClusterHealth(c)],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  Ec2SubnetNotFound: {
    severity: 'critical',
    title: 'A subnet of the cluster was deleted',
    cause: 'One or more subnets associated with the cluster no longer exist. Amazon EKS cannot place control-plane network interfaces there, so version updates fail and kubectl exec and logs can fail with "tls: internal error".',
    fix: (c) => {
      const missing = clusterSubnets(c);
      const kept = c.subnetIds.filter((s) => !missing.includes(s));
      return {
        summary: 'Update the cluster to use subnets that exist (at least two Availability Zones).',
        commands: [
          `aws ec2 describe-subnets --subnet-ids ${ids(missing, '<subnet-id>')} --region ${c.region}`,
          `aws eks update-cluster-config --name ${c.cluster} --region ${c.region} --resources-vpc-config subnetIds=${kept.join(',') || '<subnet-id>,<subnet-id>'}`,
        ],
      };
    },
    docs: [DOCS.clusterHealthStatus, DOCS.networkReqs],
    recoverable: true,
  },
  IamRoleNotFound: {
    severity: 'critical',
    title: 'The cluster IAM role was deleted',
    cause: 'The cluster IAM role no longer exists, so Amazon EKS cannot manage the cluster\'s network interfaces, load balancers or updates.',
    fix: (c) => {
      const name = roleName(c.resourceIds.find((id) => id.includes(':role/')) ?? c.roleArn);
      return {
        summary: `Recreate ${name} with the same name, trusting eks.amazonaws.com, with AmazonEKSClusterPolicy attached.`,
        commands: [
          `aws iam create-role --role-name ${name} --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}'`,
          `aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy`,
        ],
      };
    },
    docs: [DOCS.clusterHealthStatus, DOCS.clusterIamRole],
    recoverable: true,
  },
  InsufficientFreeAddresses: {
    severity: 'critical',
    title: 'The cluster subnets are out of IP addresses',
    cause: 'A subnet associated with the cluster does not have enough free IP addresses (at least 6, 16 recommended) for Amazon EKS to create control-plane network interfaces during updates.',
    fix: (c) => ({
      summary: 'Free addresses in the subnets, or update the cluster to subnets with more free addresses.',
      commands: [
        `aws ec2 describe-subnets --subnet-ids ${ids(clusterSubnets(c), '<subnet-id>')} --region ${c.region} --query 'Subnets[].[SubnetId,AvailableIpAddressCount]' --output table`,
        `aws eks update-cluster-config --name ${c.cluster} --region ${c.region} --resources-vpc-config subnetIds=<subnet-with-free-addresses>,<subnet-with-free-addresses>`,
      ],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.networkReqs],
    recoverable: true,
  },
  InternalFailure: {
    severity: 'warning',
    title: 'Amazon EKS reports an internal failure on the cluster',
    cause: 'Amazon EKS hit a server-side error managing the cluster. It is not caused by your configuration.',
    fix: (c) => ({
      summary: 'Wait for Amazon EKS to retry; if the issue stays for hours, open an AWS Support case with the cluster ARN.',
      commands: [describeClusterHealth(c)],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  KmsGrantRevoked: {
    severity: 'critical',
    title: 'The KMS grants for the cluster secrets key were revoked',
    cause: 'The grants that let Amazon EKS use the cluster\'s KMS key for secrets encryption were revoked. The cluster cannot decrypt its secrets and cannot be recovered.',
    fix: (c) => ({
      summary: 'The documented resolution is to delete and recreate the cluster; back up workloads and secrets from your source of truth first.',
      commands: [`aws kms list-grants --key-id ${kmsKey(c)} --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.envelopeEncryption],
    recoverable: false,
  },
  KmsKeyDisabled: {
    severity: 'critical',
    title: 'The KMS key for cluster secrets is disabled',
    cause: 'The KMS key used to encrypt the cluster\'s Kubernetes secrets is disabled, so secrets cannot be read or written.',
    fix: (c) => ({
      summary: 'Enable the key again.',
      commands: [`aws kms enable-key --key-id ${kmsKey(c)} --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.envelopeEncryption],
    recoverable: true,
  },
  KmsKeyMarkedForDeletion: {
    severity: 'critical',
    title: 'The KMS key for cluster secrets is scheduled for deletion',
    cause: 'The KMS key that encrypts the cluster\'s secrets is pending deletion. Once deleted, the cluster is unrecoverable.',
    fix: (c) => ({
      summary: 'Cancel the key deletion now, then enable the key.',
      commands: [`aws kms cancel-key-deletion --key-id ${kmsKey(c)} --region ${c.region}`, `aws kms enable-key --key-id ${kmsKey(c)} --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.envelopeEncryption],
    recoverable: true,
  },
  KmsKeyNotFound: {
    severity: 'critical',
    title: 'The KMS key for cluster secrets no longer exists',
    cause: 'The KMS key that encrypts the cluster\'s secrets was deleted. The secrets cannot be decrypted and the cluster cannot be recovered.',
    fix: (c) => ({
      summary: 'The documented resolution is to delete and recreate the cluster.',
      commands: [`aws kms describe-key --key-id ${kmsKey(c)} --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.envelopeEncryption],
    recoverable: false,
  },
  Other: {
    severity: 'warning',
    title: 'Amazon EKS reports another cluster health issue',
    cause: 'Amazon EKS reported a cluster problem that has no specific code; the issue message is the description.',
    fix: (c) => ({ summary: 'Read the issue message for what to fix.', commands: [describeClusterHealth(c)] }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  ResourceLimitExceeded: {
    severity: 'critical',
    title: 'A resource quota blocks cluster management',
    cause: 'A quota was reached for a resource Amazon EKS creates for the cluster (for example network interfaces in the Region); the message names it.',
    fix: (c) => ({
      summary: 'Free the resource or request a quota increase in Service Quotas.',
      commands: [describeClusterHealth(c), `aws service-quotas get-service-quota --service-code vpc --quota-code L-DF5E4CA3 --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.serviceQuotas],
    recoverable: true,
  },
  ResourceNotFound: {
    severity: 'critical',
    title: 'A resource the cluster depends on no longer exists',
    cause: 'A resource associated with the cluster was deleted outside Amazon EKS; the issue\'s resource IDs and message name it.',
    fix: (c) => ({
      summary: 'Recreate the resource or update the cluster configuration so it no longer references it.',
      commands: [describeClusterHealth(c)],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: true,
  },
  StsRegionalEndpointDisabled: {
    severity: 'critical',
    title: 'The STS regional endpoint is deactivated for the Region',
    cause: `AWS STS is deactivated for this Region in the account's IAM settings, so Amazon EKS cannot get credentials for cluster management (and IRSA and Pod Identity fail too).`,
    fix: (c) => ({
      summary: `Activate AWS STS for ${c.region} in the IAM console (Account settings, Security Token Service endpoints).`,
      commands: [`aws sts get-caller-identity --region ${c.region} --endpoint-url https://sts.${c.region}.amazonaws.com`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.stsRegions],
    recoverable: true,
  },
  UnsupportedVersion: {
    severity: 'critical',
    title: 'The cluster runs a Kubernetes version Amazon EKS no longer supports',
    cause: 'The cluster\'s Kubernetes version is past the end of its support, so Amazon EKS will upgrade it automatically and cannot apply fixes in the meantime.',
    fix: (c) => ({
      summary: 'Upgrade the control plane to the next minor version (and then the nodes) on your own schedule.',
      commands: [
        `aws eks describe-cluster-versions --region ${c.region}`,
        `aws eks update-cluster-version --name ${c.cluster} --kubernetes-version <next-minor-version> --region ${c.region}`,
      ],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.eksVersions],
    recoverable: true,
  },
  VpcNotFound: {
    severity: 'critical',
    title: 'The cluster VPC was deleted',
    cause: 'The VPC of the cluster no longer exists. The cluster cannot be recovered.',
    fix: (c) => ({
      summary: 'The documented resolution is to delete and recreate the cluster.',
      commands: [`aws ec2 describe-vpcs --vpc-ids ${byPrefix(c.resourceIds, 'vpc-')[0] ?? c.vpcId ?? '<vpc-id>'} --region ${c.region}`],
    }),
    docs: [DOCS.clusterHealthStatus, DOCS.apiClusterIssue],
    recoverable: false,
  },
} satisfies Record<string, ClusterCodeEntry>;

export type ClusterIssueCodeName = keyof typeof CLUSTER_ISSUE_CODES;

/** What an add-on health finding's fix text can use. */
export interface AddonContext {
  cluster: string;
  region: string;
  addon: string;
  version?: string;
  serviceAccountRoleArn?: string;
  resourceIds: string[];
  /** kubectl selector for the add-on's pods, when known. */
  podSelector?: string;
}

const describeAddon = (c: AddonContext) => `aws eks describe-addon --cluster-name ${c.cluster} --addon-name ${c.addon} --region ${c.region} --query addon.health`;
const overwrite = (c: AddonContext) =>
  `aws eks update-addon --cluster-name ${c.cluster} --addon-name ${c.addon}${c.version ? ` --addon-version ${c.version}` : ''} --resolve-conflicts OVERWRITE --region ${c.region}`;

/** All 10 AddonIssueCode values. */
export const ADDON_ISSUE_CODES = {
  AccessDenied: {
    severity: 'critical',
    title: 'Amazon EKS is not allowed to manage the add-on\'s Kubernetes objects',
    cause: 'Amazon EKS (the eks:addon-manager identity) was denied while creating or updating the add-on\'s Kubernetes objects, usually because its ClusterRole or ClusterRoleBinding was edited or removed.',
    fix: (c) => ({
      summary: 'Restore the eks:addon-manager RBAC objects, then update the add-on again.',
      commands: ['kubectl describe clusterrole eks:addon-manager', 'kubectl describe clusterrolebinding eks:addon-manager', overwrite(c)],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.updatingAnAddOn],
  },
  AddonPermissionFailure: {
    severity: 'critical',
    title: 'The add-on\'s IAM role is missing or lacks permissions',
    cause: 'The add-on cannot call the AWS APIs it needs: its IAM role (IRSA or Pod Identity) is missing, does not trust the cluster, or lacks the add-on\'s policy.',
    // A CSI driver's controller without AWS access creates no volumes: the claims it should provision stay Pending.
    explains: ['claim-unbound'],
    fix: (c) => {
      const name = c.serviceAccountRoleArn ? roleName(c.serviceAccountRoleArn) : undefined;
      return {
        summary: name ? `Check the trust policy and attached policies of ${name}.` : 'Give the add-on an IAM role (IRSA or Pod Identity) with its managed policy.',
        commands: name
          ? [`aws iam get-role --role-name ${name} --query Role.AssumeRolePolicyDocument`, `aws iam list-attached-role-policies --role-name ${name}`]
          : [`aws eks describe-addon-configuration --addon-name ${c.addon} --addon-version ${c.version ?? '<version>'} --region ${c.region}`, `aws eks list-pod-identity-associations --cluster-name ${c.cluster} --region ${c.region}`],
      };
    },
    docs: [DOCS.apiAddonIssue, DOCS.addOnsIam],
  },
  AddonSubscriptionNeeded: {
    severity: 'critical',
    title: 'The add-on needs an AWS Marketplace subscription',
    cause: 'The add-on comes from AWS Marketplace and the account is not subscribed to it (or the subscription lapsed).',
    fix: (c) => ({
      summary: `Subscribe to ${c.addon} in AWS Marketplace, then update the add-on.`,
      commands: [`aws eks describe-addon-versions --addon-name ${c.addon} --region ${c.region} --query 'addons[].marketplaceInformation'`, overwrite(c)],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.vendorAddOns],
  },
  AdmissionRequestDenied: {
    severity: 'critical',
    title: 'An admission webhook rejected the add-on\'s objects',
    cause: 'An admission webhook or policy engine (Kyverno, Gatekeeper, a custom webhook) denied the Kubernetes objects Amazon EKS applies for the add-on.',
    fix: (c) => ({
      summary: 'Find the webhook or policy that denied the request (the issue message names it) and exempt the add-on\'s objects, then update the add-on.',
      commands: ['kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations', overwrite(c)],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.updatingAnAddOn],
  },
  ClusterUnreachable: {
    severity: 'critical',
    title: 'Amazon EKS cannot reach the API server to manage the add-on',
    cause: 'Amazon EKS could not talk to the cluster\'s API server while managing the add-on.',
    fix: (c) => ({ summary: 'Check that the API server answers, then retry the add-on operation.', commands: ['kubectl get --raw=/readyz?verbose', describeAddon(c)] }),
    docs: [DOCS.apiAddonIssue, DOCS.eksAddOns],
  },
  ConfigurationConflict: {
    severity: 'warning',
    title: 'Fields Amazon EKS manages on the add-on were changed by another tool',
    cause: 'Fields of the add-on\'s Kubernetes objects that Amazon EKS manages were changed by another field manager (kubectl edit, Helm, GitOps), so EKS will not apply its configuration.',
    fix: (c) => ({
      summary: 'Move your changes into the add-on\'s configuration values, then update with OVERWRITE (or PRESERVE to keep the in-cluster values).',
      commands: [`aws eks describe-addon-configuration --addon-name ${c.addon} --addon-version ${c.version ?? '<version>'} --region ${c.region}`, overwrite(c)],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.fieldManagement],
  },
  InsufficientNumberOfReplicas: {
    severity: 'critical',
    title: 'Too few of the add-on\'s pods are ready',
    cause: 'The add-on\'s Deployment or DaemonSet does not have enough ready pods: they crash, cannot pull their image, cannot be scheduled (taints, no capacity), or nodes are NotReady.',
    fix: (c) => ({
      summary: 'Look at the add-on\'s pods and their events for why they are not ready.',
      commands: [
        `kubectl get pods -n kube-system${c.podSelector ? ` -l ${c.podSelector}` : ''} -o wide`,
        `kubectl get events -n kube-system --field-selector type=Warning --sort-by=.lastTimestamp`,
      ],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.eksAddOns],
  },
  InternalFailure: {
    severity: 'warning',
    title: 'Amazon EKS reports an internal failure on the add-on',
    cause: 'Amazon EKS hit a server-side error managing the add-on; it is not caused by your configuration.',
    fix: (c) => ({ summary: 'Retry the add-on update; if it persists, open an AWS Support case.', commands: [describeAddon(c), overwrite(c)] }),
    docs: [DOCS.apiAddonIssue, DOCS.eksAddOns],
  },
  K8sResourceNotFound: {
    severity: 'critical',
    title: 'A Kubernetes object of the add-on was deleted',
    cause: 'A Kubernetes object the add-on consists of (its DaemonSet, Deployment, ServiceAccount or ConfigMap) was deleted from the cluster.',
    fix: (c) => ({ summary: 'Update the add-on with OVERWRITE so Amazon EKS recreates its objects.', commands: [overwrite(c)] }),
    docs: [DOCS.apiAddonIssue, DOCS.updatingAnAddOn],
  },
  UnsupportedAddonModification: {
    severity: 'warning',
    title: 'The add-on was modified in a way Amazon EKS does not support',
    cause: 'The add-on\'s objects were changed in fields its configuration schema does not allow, so Amazon EKS cannot reconcile them.',
    fix: (c) => ({
      summary: 'Revert the change, express it through supported configuration values, and update with OVERWRITE.',
      commands: [`aws eks describe-addon-configuration --addon-name ${c.addon} --addon-version ${c.version ?? '<version>'} --region ${c.region}`, overwrite(c)],
    }),
    docs: [DOCS.apiAddonIssue, DOCS.fieldManagement],
  },
} satisfies Record<string, CodeEntry<AddonContext> & { explains?: SymptomKind[] }>;

export type AddonIssueCodeName = keyof typeof ADDON_ISSUE_CODES;

export type AnyCodeEntry = CodeEntry<never>;

/**
 * The finding codes of a health check (cluster-health, nodegroup-health, addon-health): its own
 * status codes, then one per issue code of the EKS enum, named first in the description; a cluster
 * issue EKS documents as not recoverable says so, and a node group code that explains symptoms
 * declares them.
 */
export function healthFindingCodes(
  statusCodes: Record<string, FindingCode>,
  entries: Record<string, AnyCodeEntry & { recoverable?: boolean; explains?: SymptomKind[] }>,
  symptom: SymptomKind,
  /** What reports the issues, as a title starts: 'Cluster', 'Node group', 'Add-on'. */
  subject: string,
): Record<string, FindingCode> {
  const codes: Record<string, FindingCode> = {
    ...statusCodes,
    // EKS adds issue codes over time; one it adds after this release is shown with its own message.
    'unrecognised-issue': {
      severity: 'warning',
      title: `${subject} health issue with a code this version does not know`,
      description: `Amazon EKS reported ${/^[aeiou]/i.test(subject) ? 'an' : 'a'} ${subject.toLowerCase()} health issue code newer than this eks-doctor; its message is shown as is.`,
      symptom,
    },
  };
  for (const [code, entry] of Object.entries(entries)) {
    codes[healthCodeToFindingCode(code)] = {
      severity: entry.severity,
      title: entry.title,
      description: `${code}: ${entry.cause}${entry.recoverable === false ? ' Not recoverable: the cluster must be recreated.' : ''}`,
      symptom,
      ...(entry.explains ? { explains: entry.explains } : {}),
    };
  }
  return codes;
}

/** `Node group ng-1: the subnets ran out of addresses (InsufficientFreeAddresses)`: a health issue finding's title. */
export function healthIssueTitle(subject: string, entry: AnyCodeEntry, code: string): string {
  return `${subject}: ${entry.title.charAt(0).toLowerCase()}${entry.title.slice(1)} (${code})`;
}

/** The evidence line listing the resources a health issue names, when it names any. */
export function affectedResources(resourceIds: string[]): string[] {
  return resourceIds.length > 0 ? [`Affected resources: ${resourceIds.join(', ')}`] : [];
}
