import { faults, newBatchVersion, settledFacts, unschedulablePod } from '../mocks/faults/user-data.js';
import { BATCH_ASG, BATCH_LAUNCH_TEMPLATE_ID, MANAGED_ASG, MANAGED_LAUNCH_TEMPLATE_ID, MANAGED_NODEGROUP, eksAmi } from '../mocks/scenario-builder/baseline.js';
import { podsWithoutIp } from '../mocks/faults/symptoms.js';
import { OTHER_CLUSTER_CAS } from '../mocks/aws-mock/services/user-data.js';
import { caFingerprint } from '../src/domain/certificate.js';
import type { LaunchTemplateUserData, Snapshot } from '../src/snapshot/types.js';
import { describeDiagnostic, failedPart, mutate } from '../test/support/diagnostic-tester.js';
import nodeBootstrap from './node-bootstrap.js';

const STAGING_CA = caFingerprint(OTHER_CLUSTER_CAS['shop-staging'])!;
const fault = (name: string) => faults.find((f) => f.name === name)!.apply;

/** The batch group's AMI becomes this image (its name tells the family). */
const batchAmi = (s: Snapshot, name: string) => {
  const image = s.aws.images!.find((i) => i.ImageId === 'ami-0fedcba9876543210')!;
  Object.assign(image, eksAmi('ami-0fedcba9876543210', name, '', image.CreationDate!));
};
const batchVersion = (change: (f: LaunchTemplateUserData) => LaunchTemplateUserData, instances = 1) => (s: Snapshot) => newBatchVersion(s, change, instances);
const awsNodeEnv = (s: Snapshot, env: Record<string, string>) => {
  s.kubernetes.daemonSets!.find((d) => d.metadata!.name === 'aws-node')!.spec!.template.spec!.containers[0]!.env = Object.entries(env).map(([name, value]) => ({ name, value }));
};
const managedFacts = (s: Snapshot, change: Partial<LaunchTemplateUserData>) => {
  const list = s.aws.launchTemplateUserData!;
  const i = list.findIndex((f) => f.LaunchTemplateId === MANAGED_LAUNCH_TEMPLATE_ID);
  list[i] = settledFacts(s, { ...list[i]!, ...change });
};
const managedNode = (s: Snapshot) => s.kubernetes.nodes!.find((n) => n.metadata!.labels!['eks.amazonaws.com/nodegroup'] === MANAGED_NODEGROUP)!.metadata!.name!;

describeDiagnostic(nodeBootstrap, {
  healthy: [
    { name: 'baseline: NodeConfigs naming this cluster, EKS-computed max-pods', snapshot: mutate(() => undefined) },
    {
      name: 'AL2 AMI bootstrapped by bootstrap.sh with --use-max-pods false and --max-pods 58',
      snapshot: mutate((s) => {
        batchAmi(s, 'amazon-eks-node-1.34-v20261001');
        batchVersion((f) => ({ ...f, bootstrap: 'bootstrap-sh', parts: [{ contentType: 'text/x-shellscript', kind: 'bootstrap-sh' }], useMaxPods: false, kubeletFlags: [...f.kubeletFlags!, { name: 'max-pods', value: '58' }] }), 0)(s);
      }),
    },
    {
      name: 'Bottlerocket AMI with TOML settings',
      snapshot: mutate((s) => {
        batchAmi(s, 'bottlerocket-aws-k8s-1.34-x86_64-v1.50.0-4f7a8c9e');
        batchVersion((f) => ({ ...f, bootstrap: 'bottlerocket', parts: [{ contentType: 'application/toml', kind: 'bottlerocket' }], kubeletFlags: undefined }), 0)(s);
      }),
    },
    {
      name: 'max-pods 110 in the NodeConfig with ENABLE_PREFIX_DELEGATION=true',
      snapshot: mutate((s) => {
        awsNodeEnv(s, { ENABLE_PREFIX_DELEGATION: 'true' });
        batchVersion((f) => ({ ...f, maxPods: 110 }), 0)(s);
      }),
    },
    {
      name: 'custom networking with max-pods lowered to 44 for m6i.xlarge (3 ENIs for pods)',
      snapshot: mutate((s) => {
        awsNodeEnv(s, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone' });
        managedFacts(s, { maxPods: 44 });
      }),
    },
    {
      name: 'a taint the pending pods are not blocked by (no FailedScheduling names it)',
      snapshot: mutate((s) => {
        batchVersion((f) => ({ ...f, kubeletFlags: [...f.kubeletFlags!, { name: 'register-with-taints', value: 'dedicated=batch:NoSchedule' }] }), 0)(s);
        unschedulablePod(s, 'reports', 'report-generator-1', 'report-generator', '0/6 nodes are available: 6 Insufficient cpu. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.');
      }),
    },
  ],
  broken: [
    {
      name: 'NodeConfig copied from the staging cluster: name, endpoint and CA',
      snapshot: mutate(fault('batch-user-data-from-staging')),
      expect: [{ id: 'node-bootstrap/user-data-other-cluster', resource: BATCH_ASG, severity: 'critical', mentions: 'cluster name "shop-staging"', canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'only the CA differs (a cluster re-created under the same name)',
      snapshot: mutate(batchVersion((f) => ({ ...f, caFingerprint: STAGING_CA }))),
      expect: [{ id: 'node-bootstrap/user-data-other-cluster', resource: BATCH_LAUNCH_TEMPLATE_ID, mentions: `fingerprint ${STAGING_CA}` }],
    },
    {
      name: 'bootstrap.sh on the AL2023 AMI',
      snapshot: mutate(fault('batch-bootstrap-sh-on-al2023')),
      expect: [{ id: 'node-bootstrap/bootstrap-not-for-ami', resource: BATCH_ASG, severity: 'critical', mentions: 'AL2023 has no /etc/eks/bootstrap.sh', canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'bootstrap.sh beside a NodeConfig on AL2023: the node joins, the script part fails',
      snapshot: mutate((s) => {
        batchVersion((f) => f, 0)(s);
        // As the collector reads a NodeConfig part followed by a script part (the mock renders one part).
        s.aws.launchTemplateUserData!.find((f) => f.VersionNumber === 4)!.parts.push({ contentType: 'text/x-shellscript', kind: 'bootstrap-sh' });
      }),
      expect: [{ id: 'node-bootstrap/bootstrap-not-for-ami', resource: BATCH_LAUNCH_TEMPLATE_ID, severity: 'warning', mentions: 'is not applied' }],
    },
    {
      name: 'a NodeConfig alone on an AL2 AMI',
      snapshot: mutate((s) => {
        batchAmi(s, 'amazon-eks-node-1.34-v20261001');
        batchVersion((f) => f)(s);
      }),
      expect: [{ id: 'node-bootstrap/bootstrap-not-for-ami', resource: BATCH_ASG, severity: 'critical', mentions: 'AL2 ignores a NodeConfig' }],
    },
    {
      name: 'NodeConfig YAML nodeadm cannot parse',
      snapshot: mutate(fault('batch-nodeconfig-broken-yaml')),
      expect: [{ id: 'node-bootstrap/user-data-malformed', resource: BATCH_ASG, severity: 'critical', mentions: 'YAML error', canExplain: ['instance-not-joined'] }],
    },
    {
      name: 'multipart without its closing boundary, nodeadm',
      snapshot: mutate(fault('batch-nodeconfig-unclosed-multipart')),
      expect: [{ id: 'node-bootstrap/user-data-malformed', resource: BATCH_ASG, severity: 'critical', mentions: 'closing boundary' }],
    },
    {
      name: 'multipart without its closing boundary around an AL2 script (cloud-init still runs it)',
      snapshot: mutate((s) => {
        batchAmi(s, 'amazon-eks-node-1.34-v20261001');
        batchVersion((f) => ({ ...f, bootstrap: 'bootstrap-sh', parts: [{ contentType: 'text/x-shellscript', kind: 'bootstrap-sh' }], problems: [{ kind: 'mime', where: 'the user data', message: 'the closing boundary line "--//--" is missing' }] }), 0)(s);
      }),
      expect: [{ id: 'node-bootstrap/user-data-malformed', resource: BATCH_LAUNCH_TEMPLATE_ID, severity: 'warning' }],
    },
    {
      name: 'cluster DNS IP from another service CIDR',
      snapshot: mutate(batchVersion((f) => ({ ...f, clusterDns: ['10.100.0.10'] }), 0)),
      expect: [{ id: 'node-bootstrap/cluster-dns-outside-service-cidr', resource: BATCH_LAUNCH_TEMPLATE_ID, severity: 'warning', mentions: '10.100.0.10' }],
    },
    {
      name: 'max-pods 110 in the NodeConfig, secondary IPs (c6i.2xlarge holds 58)',
      snapshot: mutate(batchVersion((f) => ({ ...f, maxPods: 110 }), 0)),
      expect: [{ id: 'node-bootstrap/max-pods-above-capacity', resource: BATCH_ASG, severity: 'warning', mentions: 'c6i.2xlarge holds 58', canExplain: ['pod-without-ip'] }],
    },
    {
      name: "custom networking keeps EKS's max-pods 58 on m6i.xlarge (44 addresses), pods waiting for an IP",
      snapshot: mutate((s) => {
        awsNodeEnv(s, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true', ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone', ENABLE_PREFIX_DELEGATION: 'false' });
        podsWithoutIp(s, managedNode(s), 'shop', 'checkout', 2);
      }),
      expect: [{ id: 'node-bootstrap/max-pods-above-capacity', resource: MANAGED_ASG, severity: 'critical', mentions: 'm6i.xlarge holds 44', canExplain: ['pod-without-ip'] }],
    },
    {
      name: 'a taint the pending pods do not tolerate',
      snapshot: mutate(fault('batch-taint-nothing-tolerates')),
      expect: [{ id: 'node-bootstrap/taints-not-tolerated', resource: 'reports/report-generator-7c9d5b8f6d-x2k4q', severity: 'warning', mentions: 'dedicated=batch:NoSchedule', canExplain: ['pod-unschedulable'] }],
    },
  ],
  errors: [
    failedPart('launch-template versions denied', { part: 'aws.launchTemplateUserData', call: 'ec2:DescribeLaunchTemplateVersions', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeLaunchTemplateVersions' }, 'ec2:DescribeLaunchTemplateVersions'),
  ],
});
