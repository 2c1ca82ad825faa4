import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'user-data-from-another-cluster',
    description:
      "The self-managed batch group's launch template got a version 4 whose NodeConfig was copied from the staging cluster (cluster name, endpoint and CA are staging's); the group launches $Latest, and the two instances launched from it have never registered.",
    faults: ['batch-user-data-from-staging'],
    expectedRootCauses: ['node-bootstrap/user-data-other-cluster'],
  },
  {
    name: 'bootstrap-sh-on-al2023',
    description:
      "The batch group's launch template version 4 calls /etc/eks/bootstrap.sh, but the group boots the AL2023 EKS AMI, which joins through nodeadm and has no bootstrap.sh: the new instance never registered.",
    faults: ['batch-bootstrap-sh-on-al2023'],
    expectedRootCauses: ['node-bootstrap/bootstrap-not-for-ami'],
  },
  {
    name: 'nodeconfig-broken-yaml',
    description: "The batch group's launch template version 4 has a NodeConfig nodeadm cannot parse (a tab in its YAML indentation): the new instance never registered.",
    faults: ['batch-nodeconfig-broken-yaml'],
    expectedRootCauses: ['node-bootstrap/user-data-malformed'],
  },
  {
    name: 'nodeconfig-unclosed-multipart',
    description: "The batch group's launch template version 4 ends its MIME multipart without the closing boundary line: nodeadm cannot read it and the new instance never registered.",
    faults: ['batch-nodeconfig-unclosed-multipart'],
    expectedRootCauses: ['node-bootstrap/user-data-malformed'],
  },
  {
    name: 'karpenter-relaunch-loop',
    description:
      "The Karpenter node role's access entry has type EC2 (EKS Auto Mode's) instead of EC2_LINUX: Karpenter's instances never register, so it terminates each at its 15-minute registration timeout and launches another. Three terminated instances (still listed by EC2) and the current attempt show the loop.",
    faults: ['karpenter-access-entry-type-ec2', 'karpenter-relaunch-loop'],
    expectedRootCauses: ['aws-auth/access-entry-wrong-type'],
  },
  {
    name: 'karpenter-relaunch-loop-pending-pods',
    description:
      "Karpenter's instances never register (the node role's access entry has type EC2 instead of EC2_LINUX), so the four shop/checkout pods waiting for its NodePool default stay Pending while it relaunches every 15 minutes. The access entry ranks first, above the instances that never joined and the Pending pods.",
    faults: ['karpenter-access-entry-type-ec2', 'karpenter-relaunch-loop', 'checkout-pending-for-karpenter'],
    expectedRootCauses: ['aws-auth/access-entry-wrong-type'],
  },
  {
    name: 'taint-nothing-tolerates',
    description:
      "The batch group's launch template registers its nodes with dedicated=batch:NoSchedule, and the report-generator pods meant for them have no toleration: they stay Pending while the batch nodes run DaemonSets only.",
    faults: ['batch-taint-nothing-tolerates'],
    expectedRootCauses: ['node-bootstrap/taints-not-tolerated'],
  },
]);
