import { describe, expect, it } from 'vitest';
import awsAuth from './aws-auth.js';
import { describeDiagnostic, mutate, runDiagnostic } from '../test/support/diagnostic-tester.js';
import { BATCH_PROFILE_ARN, BATCH_ROLE_ARN, BATCH_ROLE_NAME, iamArn, KARPENTER_ROLE_ARN, NODE_ROLE_ARN, FARGATE_ROLE_ARN } from '../mocks/scenario-builder/baseline.js';
import type { Snapshot } from '../src/snapshot/types.js';

const batchMapping = iamArn(`role/${BATCH_ROLE_NAME}`);
const mapRoles = (s: Snapshot) => s.kubernetes.awsAuth!.data!;
const configMapMode = (s: Snapshot) => {
  s.aws.cluster!.accessConfig = { authenticationMode: 'CONFIG_MAP' };
  s.aws.accessEntries = [];
};
const allRolesInConfigMap = (s: Snapshot) => {
  configMapMode(s);
  const node = (arn: string) => `- rolearn: ${arn}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n`;
  mapRoles(s).mapRoles = `${node(NODE_ROLE_ARN)}${node(batchMapping)}${node(KARPENTER_ROLE_ARN)}- rolearn: ${FARGATE_ROLE_ARN}\n  username: system:node:{{SessionName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n    - system:node-proxier\n`;
};

describeDiagnostic(awsAuth, {
  healthy: [
    { name: 'baseline (API_AND_CONFIG_MAP: entries for managed, Karpenter, Fargate; aws-auth for the batch role)', snapshot: mutate(() => {}) },
    { name: 'CONFIG_MAP mode with every node role mapped', snapshot: mutate(allRolesInConfigMap) },
    { name: 'API mode with an access entry for every node role', snapshot: mutate((s) => {
      s.aws.cluster!.accessConfig = { authenticationMode: 'API' };
      s.aws.accessEntries!.push({ principalArn: BATCH_ROLE_ARN, type: 'EC2_LINUX', clusterName: 'shop-prod', kubernetesGroups: ['system:nodes'] });
      mapRoles(s).mapRoles = 'this: [is not read in API mode';
    }) },
    { name: 'role ARNs compared without regard to case', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace(batchMapping, batchMapping.replace('shop-prod-batch-node', 'Shop-Prod-Batch-Node')); }) },
    { name: 'Auto Mode: an EC2 access entry lets the node role in', snapshot: mutate((s) => { s.aws.cluster!.computeConfig = { enabled: true }; s.aws.accessEntries!.find((e) => e.principalArn === KARPENTER_ROLE_ARN)!.type = 'EC2'; }) },
    { name: 'no node roles at all (nothing to map)', snapshot: mutate((s) => { configMapMode(s); s.aws.nodegroups = []; s.aws.reservations = []; s.aws.fargateProfiles = []; s.aws.launchTemplateVersions = []; s.kubernetes.awsAuth = null; }) },
  ],
  broken: [
    { name: 'batch role removed from aws-auth', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.split('- rolearn: arn:aws:iam::111122223333:role/platform-readonly')[0]!.replace(/- rolearn: arn:aws:iam::111122223333:role\/shop-prod-batch-node[\s\S]*$/, ''); }),
      expect: [{ id: 'aws-auth/node-role-not-mapped', resource: BATCH_ROLE_ARN, severity: 'critical', canExplain: ['instance-not-joined', 'node-not-ready', 'nodegroup-unhealthy'] }] },
    { name: 'instance-profile ARN instead of the role ARN', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace(`rolearn: ${batchMapping}`, `rolearn: ${BATCH_PROFILE_ARN}`); }),
      expect: [{ id: 'aws-auth/instance-profile-arn-mapped', resource: BATCH_ROLE_ARN, mentions: 'shop-prod-batch-profile' }] },
    { name: 'role ARN with its path', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace(`rolearn: ${batchMapping}`, `rolearn: ${BATCH_ROLE_ARN}`); }),
      expect: [{ id: 'aws-auth/role-path-not-stripped', resource: BATCH_ROLE_ARN, mentions: '/eks/' }] },
    { name: 'system:bootstrappers missing', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace(`rolearn: ${batchMapping}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n`, `rolearn: ${batchMapping}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n`); }),
      expect: [{ id: 'aws-auth/missing-groups', resource: BATCH_ROLE_ARN, mentions: 'system:bootstrappers' }] },
    { name: 'wrong username template', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace(`rolearn: ${batchMapping}\n  username: system:node:{{EC2PrivateDNSName}}`, `rolearn: ${batchMapping}\n  username: system:node:{{SessionName}}`); }),
      expect: [{ id: 'aws-auth/wrong-username', resource: BATCH_ROLE_ARN, mentions: '{{SessionName}}' }] },
    { name: 'duplicate entries for one role', snapshot: mutate((s) => { mapRoles(s).mapRoles += `- rolearn: ${batchMapping}\n  username: batch\n  groups:\n    - system:masters\n`; }),
      expect: [{ id: 'aws-auth/duplicate-mapping', resource: batchMapping, severity: 'warning' }] },
    { name: 'mapRoles YAML broken: error names the line, every role relying on it is unmapped', snapshot: mutate((s) => { mapRoles(s).mapRoles = mapRoles(s).mapRoles!.replace('    - system:nodes\n- rolearn: arn:aws:iam::111122223333:role/platform-readonly', '   - system:nodes\n- rolearn: arn:aws:iam::111122223333:role/platform-readonly'); }),
      expect: [{ id: 'aws-auth/configmap-invalid-yaml', resource: 'kube-system/aws-auth', mentions: 'line 10' }, { id: 'aws-auth/node-role-not-mapped', resource: BATCH_ROLE_ARN }] },
    { name: 'entry without rolearn (roleARN misspelt)', snapshot: mutate((s) => { mapRoles(s).mapRoles += '- roleARN: arn:aws:iam::111122223333:role/x\n  username: x\n'; }),
      expect: [{ id: 'aws-auth/configmap-invalid-entry', resource: 'kube-system/aws-auth', mentions: 'spelled rolearn' }] },
    { name: 'CONFIG_MAP mode and the ConfigMap does not exist', snapshot: mutate((s) => { configMapMode(s); s.kubernetes.awsAuth = null; }),
      expect: [{ id: 'aws-auth/configmap-missing', resource: 'kube-system/aws-auth' }] },
    { name: 'CONFIG_MAP mode: Karpenter and Fargate roles only had access entries, which no longer count', snapshot: mutate(configMapMode),
      expect: [{ id: 'aws-auth/node-role-not-mapped', resource: KARPENTER_ROLE_ARN }, { id: 'aws-auth/node-role-not-mapped', resource: FARGATE_ROLE_ARN }] },
    { name: 'API mode: batch role mapped only in the (ignored) ConfigMap', snapshot: mutate((s) => { s.aws.cluster!.accessConfig = { authenticationMode: 'API' }; }),
      expect: [{ id: 'aws-auth/node-role-not-mapped', resource: BATCH_ROLE_ARN, mentions: 'access entry' }] },
    { name: 'node role with an EC2 (Auto Mode) access entry on a cluster without Auto Mode', snapshot: mutate((s) => { s.aws.accessEntries!.find((e) => e.principalArn === KARPENTER_ROLE_ARN)!.type = 'EC2'; }),
      expect: [{ id: 'aws-auth/access-entry-wrong-type', resource: KARPENTER_ROLE_ARN, mentions: 'EC2' }] },
    { name: 'node role with a STANDARD access entry', snapshot: mutate((s) => { s.aws.accessEntries!.find((e) => e.principalArn === KARPENTER_ROLE_ARN)!.type = 'STANDARD'; }),
      expect: [{ id: 'aws-auth/access-entry-wrong-type', resource: KARPENTER_ROLE_ARN, mentions: 'STANDARD' }] },
  ],
  errors: [],
});

describe('aws-auth: what it cannot see', () => {
  it('reports why when the ConfigMap could not be read and a role depends on it', () => {
    const s = mutate((x) => {
      delete x.kubernetes.awsAuth;
      x.errors.push({ part: 'kubernetes.awsAuth', call: 'GET /api/v1/namespaces/kube-system/configmaps/aws-auth', kind: 'unreachable', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443' });
    });
    expect(() => runDiagnostic(awsAuth, s)).toThrow(/could not read the aws-auth ConfigMap: GET \/api\/v1\/namespaces\/kube-system\/configmaps\/aws-auth could not connect .* node role\(s\) have no usable access entry/);
  });

  it('needs no ConfigMap in API mode when every node role has an entry', () => {
    const s = mutate((x) => {
      x.aws.cluster!.accessConfig = { authenticationMode: 'API' };
      x.aws.accessEntries!.push({ principalArn: BATCH_ROLE_ARN, type: 'EC2_LINUX' });
      delete x.kubernetes.awsAuth;
    });
    expect(runDiagnostic(awsAuth, s)).toEqual([]);
  });

  it('scopes a role problem to the instances and groups that use that role only', () => {
    const s = mutate((x) => { x.aws.accessEntries = x.aws.accessEntries!.filter((e) => e.principalArn !== KARPENTER_ROLE_ARN); });
    const [finding] = runDiagnostic(awsAuth, s);
    const scoped = finding!.canExplain!.find((c) => c.symptom === 'instance-not-joined')!.resources!.map((r) => r.id);
    expect(scoped).toContain('i-0c0ffee0c0ffee001');
    expect(scoped).not.toContain('i-0b000000000000');
    expect(scoped.some((id) => id.startsWith('i-0a'))).toBe(false);
  });

  it('gives ready-to-run commands with the real names', () => {
    const s = mutate((x) => { x.kubernetes.awsAuth!.data!.mapRoles = ''; x.aws.cluster!.accessConfig = { authenticationMode: 'CONFIG_MAP' }; });
    const batch = runDiagnostic(awsAuth, s).find((f) => f.resources[0]!.id === BATCH_ROLE_ARN)!;
    expect(batch.fix.commands).toContain(`eksctl create iamidentitymapping --cluster shop-prod --region eu-west-1 --arn ${batchMapping} --username 'system:node:{{EC2PrivateDNSName}}' --group system:bootstrappers --group system:nodes`);
  });
});
