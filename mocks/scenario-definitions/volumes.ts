import { defineScenarios } from '../scenario-builder/fault.js';

/** Claims that do not bind and volumes pinned to a zone, traced to their causes; and StatefulSets at work that must stay clean. */
export const scenarios = defineScenarios([
  {
    name: 'claims-no-default-storage-class',
    description: 'The StatefulSet shop/ledger-db names no StorageClass in its volumeClaimTemplates, and no StorageClass is the default any more: its three claims have stayed Pending for 30 minutes and its pods have "unbound immediate PersistentVolumeClaims". The missing default is the root cause of the claims and the Pending pods.',
    faults: ['ledger-db-claims-no-default-class'],
    expectedRootCauses: ['claim-unbound/no-default-storage-class'],
  },
  {
    name: 'claims-ebs-csi-driver-not-installed',
    description: 'The EBS CSI driver was never installed (no add-on, no CSIDriver, no controller): shop/ledger-db\'s gp3 claims were handed to ebs.csi.aws.com 35 minutes ago and nothing answers; its pods time out binding their volumes.',
    faults: ['ebs-csi-driver-not-installed', 'ledger-db-claims-wait-for-ebs'],
    expectedRootCauses: ['claim-unbound/provisioner-not-installed'],
  },
  {
    name: 'claims-ebs-csi-role-not-assumable',
    description: 'The EBS CSI driver\'s IRSA role trusts system:serviceaccount:kube-system:ebs-csi-controller instead of ebs-csi-controller-sa: the controller cannot get credentials and crash-loops, so shop/ledger-db\'s gp3 claims wait 35 minutes for a volume. The role\'s trust policy is the root cause, ranked above the controller that does not run and the Pending claims.',
    faults: ['ebs-csi-irsa-trust-subject-mismatch', 'ledger-db-claims-wait-for-ebs'],
    expectedRootCauses: ['irsa-pod-identity/irsa-trust-subject-mismatch'],
  },
  {
    name: 'claims-provisioning-failed',
    description: 'shop/ledger-db\'s claims use StorageClass io2-fast (Immediate), whose parameters say volumeType: io2 instead of type: io2: the EBS CSI driver refuses every CreateVolume (InvalidArgument) and the pods have unbound immediate claims.',
    faults: ['ledger-db-claims-io2-parameter-refused'],
    expectedRootCauses: ['claim-unbound/claim-pending'],
  },
  {
    name: 'volumes-in-zone-no-group-launches',
    description: 'shop/ledger-db runs on the batch nodes, and its three EBS volumes are in eu-west-1a; the batch Auto Scaling group was narrowed to eu-west-1b and eu-west-1c, so its rescheduled pods find a volume node affinity conflict on every batch node and no autoscaler can add one in eu-west-1a. The zone no group launches in is the root cause of the Pending pods.',
    faults: ['batch-group-leaves-eu-west-1a', 'ledger-db-volumes-in-eu-west-1a'],
    expectedRootCauses: ['volume-zones/zone-without-capacity'],
  },
  {
    name: 'volumes-zone-group-at-max',
    description: 'shop/ledger-db runs on the batch nodes and its EBS volumes are in eu-west-1a, where no batch node runs; the batch group can launch there but is at its maximum size. The full group is the root cause (scheduling-capacity), not the zone: volume-zones says nothing.',
    faults: ['batch-group-at-max', 'ledger-db-volumes-in-eu-west-1a'],
    expectedRootCauses: ['scheduling-capacity/capacity-at-maximum'],
  },
  {
    name: 'claims-wait-for-scale-up',
    description: 'shop/ledger-db\'s pods are Pending for lack of CPU and the cluster-autoscaler triggered a scale-up two minutes ago; their WaitForFirstConsumer claims wait for the pods to be scheduled. A busy cluster, not a sick one: info only.',
    faults: ['ledger-db-waits-for-scale-up'],
    expectedRootCauses: [],
  },
  {
    name: 'claims-volume-being-provisioned',
    description: 'shop/ledger-db was scaled up a minute ago and the EBS CSI driver is creating the new replica\'s gp3 volume: info only.',
    faults: ['ledger-db-volume-being-provisioned'],
    expectedRootCauses: [],
  },
  {
    name: 'claims-bound-statefulset-restarting',
    description: 'A StatefulSet pod (shop/orders-db-1) was recreated and is starting on a node with its claim Bound: nothing to report.',
    faults: ['orders-db-pod-restarting-bound'],
    expectedRootCauses: [],
  },
]);
