import { describe, expect, it } from 'vitest';
import { describeDiagnostic, failedPart, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { applyVolumeFaults, claimEvent, EBS_PROVISIONER_IDENTITY, externalProvisioningMessage, ledgerClaim, ledgerPod, PREBIND_TIMEOUT_MESSAGE, unboundImmediateMessage } from '../mocks/faults/volumes.js';
import { applySchedulingFaults } from '../mocks/faults/scheduling.js';
import { EBS_CSI_ROLE_ARN } from '../mocks/scenario-builder/baseline.js';
import type { KubeEvent, KubePersistentVolumeClaim, KubePod, Snapshot } from '../src/snapshot/types.js';
import claimUnbound from './claim-unbound.js';

const withFaults = (...names: string[]): Snapshot => mutate((s) => applyVolumeFaults(s, ...names));

/** One ledger-db pod and its claim, with the claim's events; the pod Unschedulable (Immediate) unless told. */
function waiting(s: Snapshot, o: { claim: Parameters<typeof ledgerClaim>[2]; pod?: Partial<Parameters<typeof ledgerPod>[2]>; events?: (claim: KubePersistentVolumeClaim) => KubeEvent[]; podEdit?: (pod: KubePod) => void }): void {
  const pod = ledgerPod(s, 0, { scheduled: { reason: 'Unschedulable', message: unboundImmediateMessage(s) }, minutes: o.claim.minutes, ...o.pod });
  o.podEdit?.(pod);
  const claim = ledgerClaim(s, 0, o.claim);
  s.kubernetes.problemPods!.push(pod);
  s.kubernetes.persistentVolumeClaims!.push(claim);
  for (const e of o.events?.(claim) ?? []) (e.type === 'Warning' ? s.kubernetes.warningEvents! : s.kubernetes.claimEvents!).push(e);
}

const external = (s: Snapshot, provisioner = 'ebs.csi.aws.com', minutes = 20) => (c: KubePersistentVolumeClaim) => [claimEvent(s, c, { reason: 'ExternalProvisioning', type: 'Normal', message: externalProvisioningMessage(provisioner), component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: minutes, count: 40 })];

/** A ProvisioningFailed from the EBS CSI driver's external-provisioner, with the driver's error. */
const failed = (s: Snapshot, error: string, storageClass = 'gp3') => (c: KubePersistentVolumeClaim) => [
  ...external(s)(c),
  claimEvent(s, c, { reason: 'ProvisioningFailed', type: 'Warning', message: `failed to provision volume with StorageClass "${storageClass}": ${error}`, component: EBS_PROVISIONER_IDENTITY, minutesAgo: 1, firstMinutesAgo: 20, count: 8 }),
];

/** gp3 is WaitForFirstConsumer: these claims were handed to the driver after the scheduler picked a node. */
const picked = { storageClass: 'gp3', provisioner: 'ebs.csi.aws.com', selectedNode: 'ip-10-0-1-10.eu-west-1.compute.internal' } as const;
const prebind = { scheduled: { reason: 'SchedulerError' as const, message: PREBIND_TIMEOUT_MESSAGE } };

// The AWS SDK for Go v2's error chain as the EBS CSI driver passes it on (from memory of aws-ebs-csi-driver pkg/cloud/cloud.go, CreateDisk: "could not create volume in EC2: %w").
const IRSA_DENIED =
  'rpc error: code = Internal desc = Could not create volume "pvc-6f6f6f6f-0000-4000-8000-1ed6e0db0000": could not create volume in EC2: operation error EC2: CreateVolume, get identity: get credentials: failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: 5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity';
const UNAUTHORIZED =
  'rpc error: code = Internal desc = Could not create volume "pvc-6f6f6f6f-0000-4000-8000-1ed6e0db0000": could not create volume in EC2: operation error EC2: CreateVolume, https response error StatusCode: 403, RequestID: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, api error UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/shop-prod-ebs-csi/1763607000000000000 is not authorized to perform: ec2:CreateVolume on resource: arn:aws:ec2:eu-west-1:111122223333:volume/* because no identity-based policy allows the ec2:CreateVolume action.';

describeDiagnostic(claimUnbound, {
  healthy: [
    { name: 'baseline: the StatefulSet orders-db\'s claims are Bound', snapshot: mutate(() => {}) },
    { name: 'a bound StatefulSet pod restarting on its node', snapshot: withFaults('orders-db-pod-restarting-bound') },
    { name: 'WaitForFirstConsumer claims whose pods wait for a scale-up (the pods\' business, not the claims\')', snapshot: withFaults('ledger-db-waits-for-scale-up') },
    { name: 'a volume being provisioned a minute ago', snapshot: withFaults('ledger-db-volume-being-provisioned'), allowInfo: ['claim-unbound/provisioning-in-progress'] },
    {
      name: 'Karpenter-only: a WaitForFirstConsumer claim whose pod Karpenter is still placing',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'karpenter-only');
        waiting(s, { claim: { storageClass: 'gp3', minutes: 3 }, events: (c) => [claimEvent(s, c, { reason: 'WaitForPodScheduled', type: 'Normal', message: 'waiting for pod ledger-db-0 to be scheduled', component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 3, count: 12 })] });
      }),
    },
    {
      name: 'EKS Auto Mode: a claim of its ebs.csi.eks.amazonaws.com class being provisioned, with no EBS CSI add-on',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'auto-mode-enabled');
        s.aws.cluster!.storageConfig = { blockStorage: { enabled: true } };
        s.aws.addons = s.aws.addons!.filter((a) => a.addonName !== 'aws-ebs-csi-driver');
        s.kubernetes.storageClasses!.push({ metadata: { name: 'auto-ebs-sc', uid: '7e7e7e7e-0000-4000-8000-000000000020', resourceVersion: '401', creationTimestamp: '2025-06-01T12:10:00Z' }, provisioner: 'ebs.csi.eks.amazonaws.com', parameters: { type: 'gp3', encrypted: 'true' }, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' });
        waiting(s, { claim: { storageClass: 'auto-ebs-sc', provisioner: 'ebs.csi.eks.amazonaws.com', selectedNode: 'i-0a1b2c3d4e5f60001', minutes: 1 }, pod: {}, podEdit: (p) => delete p.status!.conditions, events: external(s, 'ebs.csi.eks.amazonaws.com', 1) });
      }),
      allowInfo: ['claim-unbound/provisioning-in-progress'],
    },
    {
      name: 'Pending claims no Pending pod mounts (a WaitForFirstConsumer claim without consumer is not a fault)',
      snapshot: mutate((s) => {
        const claim = ledgerClaim(s, 0, { storageClass: 'gp3', minutes: 90 });
        s.kubernetes.persistentVolumeClaims!.push(claim);
        s.kubernetes.claimEvents!.push(claimEvent(s, claim, { reason: 'WaitForFirstConsumer', type: 'Normal', message: 'waiting for first consumer to be created before binding', component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 90, count: 300 }));
      }),
    },
    {
      name: 'a claim without class while a default exists (the controller gives it the default at its next sync)',
      snapshot: mutate((s) => waiting(s, { claim: { minutes: 0 } })),
    },
    {
      name: 'a claim handed to its provisioner two minutes ago, no failure yet',
      snapshot: mutate((s) => waiting(s, { claim: { ...picked, minutes: 2 }, pod: prebind, events: external(s, 'ebs.csi.aws.com', 2) })),
      allowInfo: ['claim-unbound/provisioning-in-progress'],
    },
  ],
  broken: [
    {
      name: 'no default StorageClass and claims that name none',
      snapshot: withFaults('ledger-db-claims-no-default-class'),
      expect: [
        { id: 'claim-unbound/no-default-storage-class', resource: 'shop/data-ledger-db-0', canExplain: ['claim-unbound'], mentions: 'storageclass.kubernetes.io/is-default-class' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db', canExplain: ['pod-unschedulable'], mentions: 'no default' },
      ],
    },
    {
      name: 'a StorageClass that does not exist',
      snapshot: mutate((s) =>
        waiting(s, {
          claim: { storageClass: 'gp3-encrypted', minutes: 15 },
          // From memory of pv_controller.go provisionClaimOperation: the class lister's NotFound error as a Warning.
          events: (c) => [claimEvent(s, c, { reason: 'ProvisioningFailed', type: 'Warning', message: 'storageclass.storage.k8s.io "gp3-encrypted" not found', component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 15, count: 61 })],
        }),
      ),
      expect: [
        { id: 'claim-unbound/storage-class-not-found', resource: 'gp3-encrypted', mentions: 'does not exist' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/data-ledger-db-0' },
      ],
    },
    {
      name: 'the EBS CSI driver not installed',
      snapshot: withFaults('ebs-csi-driver-not-installed', 'ledger-db-claims-wait-for-ebs'),
      expect: [
        { id: 'claim-unbound/provisioner-not-installed', resource: 'aws-ebs-csi-driver', severity: 'critical', mentions: 'ebs.csi.aws.com' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
    {
      name: 'gp2 (kubernetes.io/aws-ebs) with no EBS CSI driver: CSI migration hands it to ebs.csi.aws.com',
      snapshot: mutate((s) => {
        applyVolumeFaults(s, 'ebs-csi-driver-not-installed');
        waiting(s, { claim: { ...picked, storageClass: 'gp2', minutes: 40 }, pod: prebind, events: external(s) });
      }),
      expect: [
        { id: 'claim-unbound/provisioner-not-installed', resource: 'gp2', mentions: 'CSI migration' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
    {
      name: 'EKS Auto Mode cluster with an ebs.csi.aws.com class and no EBS CSI add-on',
      snapshot: mutate((s) => {
        applySchedulingFaults(s, 'auto-mode-enabled');
        s.aws.cluster!.storageConfig = { blockStorage: { enabled: true } };
        applyVolumeFaults(s, 'ebs-csi-driver-not-installed');
        waiting(s, { claim: { ...picked, minutes: 25 }, pod: prebind, events: external(s) });
      }),
      expect: [
        { id: 'claim-unbound/provisioner-not-installed', resource: 'gp3', mentions: 'ebs.csi.eks.amazonaws.com' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
    {
      name: 'the EBS CSI controller scaled to zero',
      snapshot: mutate((s) => {
        const d = s.kubernetes.deployments!.find((x) => x.metadata?.name === 'ebs-csi-controller')!;
        d.spec = { ...d.spec!, replicas: 0 };
        d.status = { observedGeneration: 4, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-11-20T02:40:00Z', lastTransitionTime: '2026-11-20T02:40:00Z' }] };
        waiting(s, { claim: { ...picked, minutes: 25 }, pod: prebind, events: external(s) });
      }),
      expect: [
        { id: 'claim-unbound/provisioner-not-running', resource: 'kube-system/ebs-csi-controller', mentions: 'scaled to 0', canExplain: ['claim-unbound'] },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
    {
      name: 'ProvisioningFailed: the controller cannot assume its IRSA role (named, so the IRSA finding explains it)',
      snapshot: mutate((s) => waiting(s, { claim: { ...picked, minutes: 20 }, pod: prebind, events: failed(s, IRSA_DENIED) })),
      expect: [{ id: 'claim-unbound/claim-pending', resource: EBS_CSI_ROLE_ARN, mentions: 'cannot get AWS credentials' }],
    },
    {
      name: 'ProvisioningFailed: the controller\'s role lacks ec2:CreateVolume',
      snapshot: mutate((s) => waiting(s, { claim: { ...picked, minutes: 20 }, pod: prebind, events: failed(s, UNAUTHORIZED) })),
      expect: [{ id: 'claim-unbound/claim-pending', resource: 'kube-system/ebs-csi-controller-sa', mentions: 'UnauthorizedOperation' }],
    },
    {
      name: 'ProvisioningFailed: the driver refuses the class\'s parameters',
      snapshot: withFaults('ledger-db-claims-io2-parameter-refused'),
      expect: [{ id: 'claim-unbound/claim-pending', resource: 'io2-fast', mentions: 'InvalidArgument' }],
    },
    {
      name: 'a provisioner with a CSIDriver object that has said nothing for 20 minutes',
      snapshot: mutate((s) => {
        s.kubernetes.storageClasses!.push({ metadata: { name: 'efs-sc', uid: '7e7e7e7e-0000-4000-8000-000000000030', resourceVersion: '501', creationTimestamp: '2025-01-10T10:00:00Z' }, provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0a1b2c3d4e5f60718', directoryPerms: '700' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
        waiting(s, { claim: { storageClass: 'efs-sc', provisioner: 'efs.csi.aws.com', minutes: 20 }, events: external(s, 'efs.csi.aws.com') });
      }),
      expect: [{ id: 'claim-unbound/claim-pending', resource: 'efs-sc', mentions: '20 minutes' }],
    },
    {
      name: 'a provisioner nothing knows (no CSIDriver, no event from it in 20 minutes)',
      snapshot: mutate((s) => {
        s.kubernetes.storageClasses!.push({ metadata: { name: 'fast-local', uid: '7e7e7e7e-0000-4000-8000-000000000031', resourceVersion: '502', creationTimestamp: '2025-01-10T10:00:00Z' }, provisioner: 'local.csi.openebs.io', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
        waiting(s, { claim: { storageClass: 'fast-local', provisioner: 'local.csi.openebs.io', minutes: 20 }, events: external(s, 'local.csi.openebs.io') });
      }),
      expect: [
        { id: 'claim-unbound/provisioner-not-installed', resource: 'fast-local', mentions: 'local.csi.openebs.io' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
    {
      name: 'storageClassName "" (static binding) and no PersistentVolume matches',
      snapshot: mutate((s) =>
        waiting(s, { claim: { storageClass: '', minutes: 30 }, events: (c) => [claimEvent(s, c, { reason: 'FailedBinding', type: 'Normal', message: 'no persistent volumes available for this claim and no storage class is set', component: 'persistentvolume-controller', minutesAgo: 0, firstMinutesAgo: 30, count: 120 })] }),
      ),
      expect: [{ id: 'claim-unbound/claim-pending', resource: 'shop/data-ledger-db-0', mentions: 'PersistentVolume created beforehand' }],
    },
    {
      name: 'a generic ephemeral volume\'s claim (<pod>-<volume>) of a class that does not exist',
      snapshot: mutate((s) => {
        const pod = ledgerPod(s, 0, { scheduled: { reason: 'Unschedulable', message: unboundImmediateMessage(s) }, minutes: 10 });
        pod.spec!.volumes = [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'scratch-nvme', resources: { requests: { storage: '100Gi' } } } } } }];
        const claim = ledgerClaim(s, 0, { storageClass: 'scratch-nvme', minutes: 10 });
        claim.metadata!.name = 'ledger-db-0-scratch';
        s.kubernetes.problemPods!.push(pod);
        s.kubernetes.persistentVolumeClaims!.push(claim);
      }),
      expect: [
        { id: 'claim-unbound/storage-class-not-found', resource: 'shop/ledger-db-0-scratch' },
        { id: 'claim-unbound/claim-pending', resource: 'shop/ledger-db' },
      ],
    },
  ],
  errors: [
    failedPart('claims not readable', { part: 'kubernetes.persistentVolumeClaims', call: 'GET /api/v1/persistentvolumeclaims', kind: 'denied', code: 'Forbidden', message: 'persistentvolumeclaims is forbidden' }, 'persistent volume claims'),
  ],
});

describe('claim-unbound draws no conclusion from what it could not read', () => {
  it('StorageClasses unreadable: a missing class or default is not claimed', () => {
    for (const fault of ['ledger-db-claims-no-default-class'] as const) {
      const s = mutate((x) => {
        applyVolumeFaults(x, fault);
        delete x.kubernetes.storageClasses;
        x.errors.push({ part: 'kubernetes.storageClasses', call: 'GET /apis/storage.k8s.io/v1/storageclasses', kind: 'denied', code: 'Forbidden', message: 'storageclasses.storage.k8s.io is forbidden' });
      });
      expect(runDiagnostic(claimUnbound, s).map((f) => f.id)).toEqual([]);
    }
  });

  it('CSIDrivers unreadable: the driver is not said to be missing', () => {
    const s = mutate((x) => {
      applyVolumeFaults(x, 'ebs-csi-driver-not-installed', 'ledger-db-claims-wait-for-ebs');
      delete x.kubernetes.csiDrivers;
      x.errors.push({ part: 'kubernetes.csiDrivers', call: 'GET /apis/storage.k8s.io/v1/csidrivers', kind: 'denied', code: 'Forbidden', message: 'csidrivers.storage.k8s.io is forbidden' });
    });
    const ids = runDiagnostic(claimUnbound, s).map((f) => f.id);
    expect(ids).not.toContain('claim-unbound/provisioner-not-installed');
    expect(ids).toEqual([]);
  });

  it('Deployments unreadable: a claim the driver leaves waiting is not said to be stalled, its controller unseen', () => {
    const stopped = (x: Snapshot) => {
      applyVolumeFaults(x, 'ledger-db-claims-wait-for-ebs');
      const controller = x.kubernetes.deployments!.find((d) => d.metadata?.name === 'ebs-csi-controller')!;
      controller.status = { ...controller.status, availableReplicas: 0, readyReplicas: 0 };
    };
    // Seen, the controller that does not run is the finding.
    expect(runDiagnostic(claimUnbound, mutate(stopped)).map((f) => f.id)).toContain('claim-unbound/provisioner-not-running');
    const s = mutate((x) => {
      stopped(x);
      delete x.kubernetes.deployments;
      x.errors.push({ part: 'kubernetes.deployments', call: 'GET /apis/apps/v1/deployments', kind: 'denied', code: 'Forbidden', message: 'deployments.apps is forbidden' });
    });
    expect(runDiagnostic(claimUnbound, s).map((f) => f.id)).toEqual([]);
  });
});

describe('claim-unbound fixes name the real resources', () => {
  it('not installed: the add-on with the role the service account already names', () => {
    const [cause] = runDiagnostic(claimUnbound, withFaults('ebs-csi-driver-not-installed', 'ledger-db-claims-wait-for-ebs'));
    expect(cause!.fix.commands).toContain(`aws eks create-addon --cluster-name shop-prod --addon-name aws-ebs-csi-driver --service-account-role-arn ${EBS_CSI_ROLE_ARN} --region eu-west-1`);
  });

  it('no default: makes the EBS CSI class the default', () => {
    const [cause] = runDiagnostic(claimUnbound, withFaults('ledger-db-claims-no-default-class'));
    expect(cause!.fix.commands[0]).toBe(`kubectl patch storageclass gp3 -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`);
  });

  it('not authorized: attaches the driver\'s managed policy to its role', () => {
    const s = mutate((x) => waiting(x, { claim: { ...picked, minutes: 20 }, pod: prebind, events: failed(x, UNAUTHORIZED) }));
    const [symptom] = runDiagnostic(claimUnbound, s);
    expect(symptom!.fix.commands).toContain('aws iam attach-role-policy --role-name shop-prod-ebs-csi --policy-arn arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy');
    expect(symptom!.evidence).toContain(`Controller role ${EBS_CSI_ROLE_ARN}: attached policies AmazonEBSCSIDriverPolicy.`);
  });

  it('groups claims by workload: three replicas, one finding each for cause and symptom, evidence capped', () => {
    const findings = runDiagnostic(claimUnbound, withFaults('ledger-db-claims-no-default-class'));
    expect(findings.map((f) => f.id)).toEqual(['claim-unbound/no-default-storage-class', 'claim-unbound/claim-pending']);
    expect(findings[1]!.title).toBe('3 PersistentVolumeClaims of StatefulSet shop/ledger-db are Pending: they name no StorageClass and the cluster has no default');
  });
});
