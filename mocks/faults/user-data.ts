/**
 * Faults in what launch templates tell their nodes at boot (their user data), and Karpenter's
 * relaunch loop when its nodes never register.
 *
 * A snapshot keeps only the facts of user data; the mock renders the user data back from them
 * (mocks/aws-mock/services/user-data.ts). Each fault writes the facts the collector's own decoder
 * reads from that rendering, so what a scenario holds is what a live run collects.
 */
import { caFingerprint } from '../../src/domain/certificate.js';
import { userDataFacts } from '../../src/collect/aws/user-data.js';
import type { KubePod, LaunchTemplateUserData, Snapshot } from '../../src/snapshot/types.js';
import { caLookup, OTHER_CLUSTER_CAS, renderUserData } from '../aws-mock/services/user-data.js';
import { BATCH_ASG, BATCH_LAUNCH_TEMPLATE_ID } from '../scenario-builder/baseline.js';
import { defineFaults } from '../scenario-builder/fault.js';
import { groupInstanceIds, launchUnjoinedInstance, minutesBeforeCapture } from './node-registration.js';
import { minutesBefore, warningEvent } from './symptoms.js';

/** The staging cluster whose user data the fault copies (its endpoint and CA are OTHER_CLUSTER_CAS'). */
export const STAGING = { name: 'shop-staging', endpoint: 'https://9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D.yl4.eu-west-1.eks.amazonaws.com' } as const;

/** The facts the collector reads from the user data the mock renders for `desired` (settled: rendering them again gives them back). */
export function settledFacts(snapshot: Snapshot, desired: LaunchTemplateUserData): LaunchTemplateUserData {
  const lookup = caLookup([snapshot.aws.cluster?.certificateAuthority?.data].filter((c): c is string => c !== undefined));
  let facts = desired;
  for (let i = 0; i < 3; i++) {
    const rendered = renderUserData(facts, { caByFingerprint: lookup });
    facts = userDataFacts(facts, rendered?.toString('base64'));
  }
  return facts;
}

/**
 * A new version of the batch group's launch template (the group launches $Latest) whose user data
 * has `change` applied to version 3's facts, and `instances` new instances launched from it that never joined.
 */
export function newBatchVersion(snapshot: Snapshot, change: (facts: LaunchTemplateUserData) => LaunchTemplateUserData, instances: number): void {
  const versions = (snapshot.aws.launchTemplateVersions ??= []);
  const current = versions.find((v) => v.LaunchTemplateId === BATCH_LAUNCH_TEMPLATE_ID && v.VersionNumber === 3);
  const facts = (snapshot.aws.launchTemplateUserData ??= []);
  const currentFacts = facts.find((f) => f.LaunchTemplateId === BATCH_LAUNCH_TEMPLATE_ID && f.VersionNumber === 3);
  if (!current || !currentFacts) throw new Error('the baseline has no version 3 of the batch launch template');
  // The group launches $Latest, and nothing else names version 3: the collector reads version 4 only.
  versions.splice(versions.indexOf(current), 1, { ...structuredClone(current), VersionNumber: 4, DefaultVersion: false, CreateTime: minutesBeforeCapture(snapshot, 50), VersionDescription: 'bootstrap update' });
  facts.splice(facts.indexOf(currentFacts), 1, settledFacts(snapshot, change({ ...structuredClone(currentFacts), VersionNumber: 4 })));
  const template = groupInstanceIds(snapshot, BATCH_ASG)[0]!;
  for (let n = 0; n < instances; n++) {
    launchUnjoinedInstance(snapshot, template, { instanceId: `i-0b0075000000000${(n + 1).toString(16).padStart(2, '0')}`, privateIp: `10.0.2.${210 + n}`, launchTime: minutesBeforeCapture(snapshot, 45 - 2 * n), azIndex: n % 3 });
  }
}

/** A pod the scheduler could not place, with its FailedScheduling event (the scheduler's wording). */
export function unschedulablePod(snapshot: Snapshot, namespace: string, name: string, app: string, message: string): KubePod {
  const pod: KubePod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      creationTimestamp: minutesBefore(snapshot, 25),
      labels: { app },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7c9d5b8f6d`, uid: `7a7a7a7a-0000-4000-8000-${app.slice(-12).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: { serviceAccountName: 'default', containers: [{ name: app, image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${app}:2026.11.3` }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: minutesBefore(snapshot, 25) }],
    },
  };
  (snapshot.kubernetes.problemPods ??= []).push(pod);
  (snapshot.kubernetes.warningEvents ??= []).push(warningEvent(snapshot, { involved: { kind: 'Pod', namespace, name }, reason: 'FailedScheduling', message, source: { component: 'default-scheduler' }, count: 9, minutes: 1 }));
  return pod;
}

/** The Karpenter instance of the baseline (node pool default). */
function karpenterInstanceId(snapshot: Snapshot): string {
  return snapshot.aws.reservations!.flatMap((r) => r.Instances ?? []).find((i) => i.Tags?.some((t) => t.Key === 'karpenter.sh/nodepool') && i.State?.Name === 'running')!.InstanceId!;
}

/**
 * An instance Karpenter launched `launchedMinutesAgo` and terminated `lived` minutes later, as
 * DescribeInstances lists it for about an hour after: terminated, no addresses or interfaces, tags kept.
 */
export function terminatedKarpenterInstance(snapshot: Snapshot, instanceId: string, launchedMinutesAgo: number, lived: number): void {
  const copy = launchUnjoinedInstance(snapshot, karpenterInstanceId(snapshot), { instanceId, privateIp: `10.0.91.${100 + launchedMinutesAgo}`, launchTime: minutesBeforeCapture(snapshot, launchedMinutesAgo) });
  const at = new Date(Date.parse(copy.LaunchTime!) + lived * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  copy.State = { Code: 48, Name: 'terminated' };
  copy.StateTransitionReason = `User initiated (${at.replace('T', ' ')} GMT)`;
  copy.StateReason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
  copy.PrivateDnsName = '';
  delete copy.PrivateIpAddress;
  copy.NetworkInterfaces = [];
  copy.SecurityGroups = [];
}

export const faults = defineFaults([
  {
    name: 'karpenter-relaunch-loop',
    description:
      "Karpenter's instances of node pool default do not register: it terminated three of them, launched 57, 40 and 23 minutes ago, at its 15-minute registration timeout, and the current attempt was launched 6 minutes ago. Only the terminated instances, still listed by EC2, show the loop.",
    apply(snapshot) {
      // The instance an earlier fault left unjoined is the current attempt.
      const current = snapshot.aws.reservations!.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === 'i-0c0ffee0c0ffee002');
      if (current) current.LaunchTime = minutesBeforeCapture(snapshot, 6);
      terminatedKarpenterInstance(snapshot, 'i-0c0ffee0c0ffee0a1', 57, 15.3);
      terminatedKarpenterInstance(snapshot, 'i-0c0ffee0c0ffee0a2', 40, 15.2);
      terminatedKarpenterInstance(snapshot, 'i-0c0ffee0c0ffee0a3', 23, 15.4);
    },
  },
  {
    name: 'batch-user-data-from-staging',
    description:
      "Version 4 of the batch group's launch template (the group launches $Latest) carries a NodeConfig copied from the staging cluster: it names shop-staging, staging's endpoint and staging's CA. The two instances launched from it 45 and 43 minutes ago never registered.",
    apply(snapshot) {
      newBatchVersion(snapshot, (f) => ({ ...f, clusterName: STAGING.name, apiServerEndpoint: STAGING.endpoint, caFingerprint: caFingerprint(OTHER_CLUSTER_CAS[STAGING.name])! }), 2);
    },
  },
  {
    name: 'batch-bootstrap-sh-on-al2023',
    description:
      'Version 4 of the batch group\'s launch template replaced the NodeConfig with a script calling /etc/eks/bootstrap.sh (copied from an AL2 guide), but the group boots the AL2023 EKS AMI, which has no bootstrap.sh: the instance launched from it never registered.',
    apply(snapshot) {
      newBatchVersion(
        snapshot,
        (f) => ({ ...f, bootstrap: 'bootstrap-sh', parts: [{ contentType: 'text/x-shellscript', kind: 'bootstrap-sh' }], clusterDns: ['172.20.0.10'], serviceCidr: undefined }),
        1,
      );
    },
  },
  {
    name: 'batch-nodeconfig-broken-yaml',
    description:
      "Version 4 of the batch group's launch template has a NodeConfig indented with a tab where YAML wants spaces: nodeadm cannot read it and the instance launched from it never registered.",
    apply(snapshot) {
      newBatchVersion(snapshot, (f) => ({ ...f, problems: [{ kind: 'nodeconfig', where: 'MIME part 1 (application/node.eks.aws)', message: 'YAML error' }] }), 1);
    },
  },
  {
    name: 'batch-nodeconfig-unclosed-multipart',
    description:
      "Version 4 of the batch group's launch template ends its MIME multipart without the closing boundary line \"--//--\": nodeadm's MIME reader stops at the end of the data and the instance launched from it never registered.",
    apply(snapshot) {
      newBatchVersion(snapshot, (f) => ({ ...f, problems: [{ kind: 'mime', where: 'the user data', message: 'the closing boundary line "--//--" is missing' }] }), 1);
    },
  },
  {
    name: 'batch-taint-nothing-tolerates',
    description:
      "Version 4 of the batch group's launch template registers its nodes with the taint dedicated=batch:NoSchedule; the batch nodes were replaced and carry it, and the report-generator pods meant for them have no toleration: they stay Pending.",
    apply(snapshot) {
      newBatchVersion(snapshot, (f) => ({ ...f, kubeletFlags: [...(f.kubeletFlags ?? []), { name: 'register-with-taints', value: 'dedicated=batch:NoSchedule' }] }), 0);
      for (const node of snapshot.kubernetes.nodes ?? []) {
        if (node.metadata?.labels?.['node-role.example.com/batch'] !== 'true') continue;
        node.spec = { ...node.spec, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] };
      }
      const nodes = (snapshot.kubernetes.nodes ?? []).length;
      const message = `0/${nodes} nodes are available: 2 node(s) had untolerated taint {dedicated: batch}, ${nodes - 2} node(s) didn't match Pod's node affinity/selector. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;
      unschedulablePod(snapshot, 'reports', 'report-generator-7c9d5b8f6d-x2k4q', 'report-generator', message);
      unschedulablePod(snapshot, 'reports', 'report-generator-7c9d5b8f6d-m8p3z', 'report-generator', message);
    },
  },
]);
