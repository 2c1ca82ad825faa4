import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { caFingerprint } from '../../domain/certificate.js';
import { userDataFacts } from './user-data.js';

const KEY = { LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'nodes', VersionNumber: 4 };
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
/** A CA as DescribeCluster's certificateAuthority.data holds it: base64 of the PEM text. */
const CA = b64('-----BEGIN CERTIFICATE-----\nTUlJQy9qQ0NBZWFnQXdJQkFnSUJBREFOQmdrcWhraUc5dzBCQVFzRkFEQVZNUk13RVFZRFZRUUQ=\n-----END CERTIFICATE-----\n');
const ENDPOINT = 'https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com';

/** As EKS writes a managed node group's AL2023 user data (from memory of eks-* launch templates read back with describe-launch-template-versions). */
const AL2023_MANAGED = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: application/node.eks.aws

---
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    apiServerEndpoint: ${ENDPOINT}
    certificateAuthority: ${CA}
    cidr: 172.20.0.0/16
    name: shop-prod
  kubelet:
    config:
      maxPods: 58
      clusterDNS:
      - 172.20.0.10
    flags:
    - "--node-labels=eks.amazonaws.com/nodegroup-image=ami-0123456789abcdef0,eks.amazonaws.com/capacityType=ON_DEMAND,eks.amazonaws.com/nodegroup=general"

--//--
`;

/** As EKS writes a managed node group's AL2 user data: no blank line between the part's Content-Type and the script. */
const AL2_MANAGED = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: text/x-shellscript; charset="us-ascii"
#!/bin/bash
set -ex
B64_CLUSTER_CA=${CA}
API_SERVER_URL=${ENDPOINT}
K8S_CLUSTER_DNS_IP=172.20.0.10
/etc/eks/bootstrap.sh shop-prod --kubelet-extra-args '--node-labels=eks.amazonaws.com/nodegroup-image=ami-0a1b2c3d4e5f60718,eks.amazonaws.com/capacityType=ON_DEMAND,eks.amazonaws.com/nodegroup=legacy --max-pods=58' --b64-cluster-ca $B64_CLUSTER_CA --apiserver-endpoint $API_SERVER_URL --dns-cluster-ip $K8S_CLUSTER_DNS_IP --use-max-pods false

--//--
`;

describe('userDataFacts', () => {
  it('reads the NodeConfig EKS writes for an AL2023 managed node group', () => {
    const facts = userDataFacts(KEY, b64(AL2023_MANAGED));
    expect(facts).toEqual({
      ...KEY,
      bootstrap: 'nodeadm',
      parts: [{ contentType: 'application/node.eks.aws', kind: 'nodeadm' }],
      clusterName: 'shop-prod',
      apiServerEndpoint: ENDPOINT,
      caFingerprint: caFingerprint(CA),
      serviceCidr: '172.20.0.0/16',
      clusterDns: ['172.20.0.10'],
      maxPods: 58,
      kubeletFlags: [{ name: 'node-labels', value: 'eks.amazonaws.com/nodegroup-image=ami-0123456789abcdef0,eks.amazonaws.com/capacityType=ON_DEMAND,eks.amazonaws.com/nodegroup=general' }],
      nodeLabels: { 'eks.amazonaws.com/nodegroup-image': 'ami-0123456789abcdef0', 'eks.amazonaws.com/capacityType': 'ON_DEMAND', 'eks.amazonaws.com/nodegroup': 'general' },
    });
    expect(facts.caFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("reads AL2's bootstrap.sh call, expanding the script's own variables", () => {
    const facts = userDataFacts(KEY, b64(AL2_MANAGED));
    expect(facts).toMatchObject({
      bootstrap: 'bootstrap-sh',
      parts: [{ contentType: 'text/x-shellscript', kind: 'bootstrap-sh' }],
      clusterName: 'shop-prod',
      apiServerEndpoint: ENDPOINT,
      caFingerprint: caFingerprint(CA),
      clusterDns: ['172.20.0.10'],
      maxPods: 58,
      useMaxPods: false,
      nodeLabels: { 'eks.amazonaws.com/nodegroup': 'legacy' },
    });
    expect(facts.problems).toBeUndefined();
  });

  it('reads gzip-compressed user data and a nested multipart with a base64 part', () => {
    const inner = b64(`#!/bin/bash\n/etc/eks/bootstrap.sh other-cluster \\\n  --kubelet-extra-args "--register-with-taints=dedicated=batch:NoSchedule --max-pods 110"\n`);
    const doc = `Content-Type: multipart/mixed; boundary="outer"
MIME-Version: 1.0

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/x-shellscript
Content-Transfer-Encoding: base64

${inner}
--inner--
--outer--
`;
    const facts = userDataFacts(KEY, b64(gzipSync(doc)));
    expect(facts).toMatchObject({ bootstrap: 'bootstrap-sh', gzip: true, clusterName: 'other-cluster', maxPods: 110, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] });
    expect(facts.kubeletFlags).toEqual([
      { name: 'register-with-taints', value: 'dedicated=batch:NoSchedule' },
      { name: 'max-pods', value: '110' },
    ]);
  });

  it('keeps a flag that may hold a secret by name only', () => {
    const facts = userDataFacts(KEY, b64(`#!/bin/bash\n/etc/eks/bootstrap.sh shop-prod --kubelet-extra-args '--node-labels=a=b --bootstrap-kubeconfig=/tmp/hunter2-kubeconfig'\n`));
    expect(facts.kubeletFlags).toEqual([{ name: 'node-labels', value: 'a=b' }, { name: 'bootstrap-kubeconfig' }]);
    expect(JSON.stringify(facts)).not.toContain('hunter2');
  });

  it('reports a multipart without its closing boundary (nodeadm fails on it) and still reads the parts', () => {
    const facts = userDataFacts(KEY, b64(AL2023_MANAGED.replace('--//--\n', '')));
    expect(facts.bootstrap).toBe('nodeadm');
    expect(facts.clusterName).toBe('shop-prod');
    expect(facts.problems).toEqual([{ kind: 'mime', where: 'the user data', message: 'the closing boundary line "--//--" is missing' }]);
  });

  it('reports a multipart without a boundary parameter', () => {
    const facts = userDataFacts(KEY, b64('MIME-Version: 1.0\nContent-Type: multipart/mixed\n\n--//\nContent-Type: text/x-shellscript\n\n#!/bin/bash\n'));
    expect(facts.problems).toEqual([{ kind: 'mime', where: 'the user data', message: 'multipart/mixed without a boundary parameter' }]);
    expect(facts.bootstrap).toBe('custom');
  });

  it('reports a NodeConfig YAML error by position, without quoting the line', () => {
    const broken = AL2023_MANAGED.replace('  kubelet:\n    config:', '  kubelet:\n\tconfig: s3cr3t-token');
    const facts = userDataFacts(KEY, b64(broken));
    expect(facts.problems).toHaveLength(1);
    expect(facts.bootstrap).toBe('nodeadm');
    expect(facts.problems![0]).toMatchObject({ kind: 'nodeconfig', where: 'MIME part 1 (application/node.eks.aws)' });
    expect(facts.problems![0]!.message).toMatch(/^YAML error \w+ at line \d+, column \d+$/);
    expect(JSON.stringify(facts)).not.toContain('s3cr3t');
  });

  it('reports a document in a node.eks.aws part that is not a NodeConfig', () => {
    const facts = userDataFacts(KEY, b64(AL2023_MANAGED.replace('kind: NodeConfig', 'kind: NodeConfiguration')));
    expect(facts.problems).toEqual([{ kind: 'nodeconfig', where: 'MIME part 1 (application/node.eks.aws)', message: 'expected apiVersion node.eks.aws/v1alpha1 and kind NodeConfig, found node.eks.aws/v1alpha1 and NodeConfiguration' }]);
  });

  it('merges NodeConfig documents in order, later values winning (a user part after EKS’s)', () => {
    const second = `--//\nContent-Type: application/node.eks.aws\n\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 110\n    flags:\n    - --register-with-taints=gpu=true:NoSchedule\n\n--//--\n`;
    const facts = userDataFacts(KEY, b64(AL2023_MANAGED.replace('--//--\n', second)));
    expect(facts).toMatchObject({ clusterName: 'shop-prod', maxPods: 110, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
    expect(facts.parts).toHaveLength(2);
  });

  it('reads Bottlerocket TOML', () => {
    const toml = `[settings.kubernetes]\ncluster-name = "shop-prod"\napi-server = "${ENDPOINT}"\ncluster-certificate = "${CA}"\ncluster-dns-ip = "172.20.0.10"\nmax-pods = 29\n\n[settings.kubernetes.node-labels]\n"team" = "data"\n\n[settings.kubernetes.node-taints]\n"dedicated" = ["data:NoSchedule"]\n\n[settings.host-containers.admin]\nenabled = true\n`;
    expect(userDataFacts(KEY, b64(toml))).toEqual({
      ...KEY,
      bootstrap: 'bottlerocket',
      parts: [{ contentType: 'application/toml', kind: 'bottlerocket' }],
      clusterName: 'shop-prod',
      apiServerEndpoint: ENDPOINT,
      caFingerprint: caFingerprint(CA),
      clusterDns: ['172.20.0.10'],
      maxPods: 29,
      nodeLabels: { team: 'data' },
      taints: [{ key: 'dedicated', value: 'data', effect: 'NoSchedule' }],
    });
  });

  it('reports TOML it cannot read by line', () => {
    const facts = userDataFacts(KEY, b64('[settings.kubernetes]\ncluster-name = "shop-prod\n'));
    expect(facts.problems).toEqual([{ kind: 'toml', where: 'the user data', message: 'TOML key/value not understood at line 2' }]);
  });

  it("reads the Windows AMI's Start-EKSBootstrap.ps1 call", () => {
    const ps = `<powershell>\n[string]$EKSBootstrapScriptFile = "$env:ProgramFiles\\Amazon\\EKS\\Start-EKSBootstrap.ps1"\n& $EKSBootstrapScriptFile -EKSClusterName "shop-prod" -APIServerEndpoint "${ENDPOINT}" -Base64ClusterCA "${CA}" -DNSClusterIP "172.20.0.10" -KubeletExtraArgs "--node-labels=os=windows --register-with-taints=os=windows:NoSchedule" 3>&1 4>&1 5>&1 6>&1\n</powershell>\n`;
    expect(userDataFacts(KEY, b64(ps))).toMatchObject({
      bootstrap: 'windows',
      clusterName: 'shop-prod',
      apiServerEndpoint: ENDPOINT,
      caFingerprint: caFingerprint(CA),
      clusterDns: ['172.20.0.10'],
      nodeLabels: { os: 'windows' },
      taints: [{ key: 'os', value: 'windows', effect: 'NoSchedule' }],
    });
  });

  it('tells custom scripts and empty user data apart, and ignores an echo of bootstrap.sh', () => {
    expect(userDataFacts(KEY, undefined)).toEqual({ ...KEY, bootstrap: 'none', parts: [] });
    const custom = userDataFacts(KEY, b64('#!/bin/bash\necho "/etc/eks/bootstrap.sh is not used here"\nexport DB_PASSWORD=hunter2\n'));
    expect(custom).toEqual({ ...KEY, bootstrap: 'custom', parts: [{ contentType: 'text/x-shellscript', kind: 'shell' }] });
  });

  it('reports user data that is not base64', () => {
    expect(userDataFacts(KEY, '#!/bin/bash\n').problems).toEqual([{ kind: 'base64', where: 'the whole user data', message: 'UserData is not valid base64' }]);
  });
});
