/**
 * The UserData the mock serves for a launch-template version, rendered from the facts a snapshot
 * keeps (snapshots never hold user data). The documents are written the way their authors write
 * them: EKS's MIME multipart for managed node groups (boundary "//", its script part with no blank
 * line after Content-Type, from memory of user data read back from eks-* launch templates), a
 * nodeadm NodeConfig (node.eks.aws/v1alpha1) in an `application/node.eks.aws` part, Bottlerocket's
 * TOML, the Windows AMI's PowerShell. A snapshot's facts are a fixed point: decoding what is
 * rendered gives them back (mocks/aws-mock/services/user-data.test.ts holds every scenario to it).
 *
 * The CA is looked up by fingerprint among the clusters the mock serves and the other clusters'
 * CAs below, so "user data copied from another cluster" renders that cluster's real-looking CA.
 */
import { gzipSync } from 'node:zlib';
import { caFingerprint } from '../../../src/domain/certificate.js';
import type { LaunchTemplateUserData } from '../../../src/snapshot/types.js';

/** Base64 PEM of CAs of clusters the mock does not serve (a staging cluster's, for user data copied from it). */
export const OTHER_CLUSTER_CAS: Readonly<Record<string, string>> = {
  'shop-staging': Buffer.from('-----BEGIN CERTIFICATE-----\nU1RBR0lORy1DTFVTVEVSLUNB\n-----END CERTIFICATE-----\n').toString('base64'),
};

export interface RenderContext {
  /** The base64 PEM whose fingerprint this is, if the mock knows it. */
  caByFingerprint(fingerprint: string): string | undefined;
}

const BOUNDARY = '//';

/** The user data text (not yet base64) for these facts; undefined for bootstrap 'none'. */
export function renderUserData(facts: LaunchTemplateUserData, context: RenderContext): Buffer | undefined {
  if (facts.bootstrap === 'none') return undefined;
  const ca = facts.caFingerprint ? context.caByFingerprint(facts.caFingerprint) : undefined;
  const unclosed = facts.problems?.some((p) => p.kind === 'mime' && /closing boundary/.test(p.message)) ?? false;
  const brokenYaml = facts.problems?.some((p) => p.kind === 'nodeconfig') ?? false;
  let text: string;
  switch (facts.bootstrap) {
    case 'nodeadm':
      text = mime([{ type: 'application/node.eks.aws', body: nodeConfig(facts, ca, brokenYaml) }], unclosed);
      break;
    case 'bootstrap-sh':
      text = mime([{ type: 'text/x-shellscript; charset="us-ascii"', body: bootstrapScript(facts, ca), noBlankLine: true }], unclosed);
      break;
    case 'bottlerocket':
      text = bottlerocketToml(facts, ca);
      break;
    case 'windows':
      text = windowsScript(facts, ca);
      break;
    default:
      text = mime([{ type: 'text/x-shellscript; charset="us-ascii"', body: '#!/bin/bash\nset -euo pipefail\nyum install -y amazon-cloudwatch-agent\n' }], unclosed);
  }
  const bytes = Buffer.from(text, 'utf8');
  return facts.gzip ? gzipSync(bytes) : bytes;
}

function mime(parts: { type: string; body: string; noBlankLine?: boolean }[], unclosed: boolean): string {
  const lines = ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`, ''];
  for (const part of parts) lines.push(`--${BOUNDARY}`, `Content-Type: ${part.type}`, ...(part.noBlankLine ? [] : ['']), part.body);
  if (!unclosed) lines.push(`--${BOUNDARY}--`, '');
  return lines.join('\n');
}

const flagValue = (facts: LaunchTemplateUserData, name: string) => facts.kubeletFlags?.find((f) => f.name === name);
const renderFlags = (facts: LaunchTemplateUserData) => (facts.kubeletFlags ?? []).map((f) => (f.value !== undefined ? `--${f.name}=${f.value}` : `--${f.name}`));

function nodeConfig(facts: LaunchTemplateUserData, ca: string | undefined, broken: boolean): string {
  const cluster = [
    facts.apiServerEndpoint !== undefined ? `    apiServerEndpoint: ${facts.apiServerEndpoint}` : undefined,
    ca !== undefined ? `    certificateAuthority: ${ca}` : undefined,
    facts.serviceCidr !== undefined ? `    cidr: ${facts.serviceCidr}` : undefined,
    facts.clusterName !== undefined ? `    name: ${facts.clusterName}` : undefined,
  ].filter((l) => l !== undefined);
  const config = [
    facts.maxPods !== undefined && !flagValue(facts, 'max-pods') ? `      maxPods: ${facts.maxPods}` : undefined,
    facts.clusterDns !== undefined && !flagValue(facts, 'cluster-dns') ? `      clusterDNS:\n${facts.clusterDns.map((d) => `      - ${d}`).join('\n')}` : undefined,
    facts.taints !== undefined && !flagValue(facts, 'register-with-taints')
      ? `      registerWithTaints:\n${facts.taints.map((t) => `      - key: ${t.key}\n${t.value !== undefined ? `        value: ${t.value}\n` : ''}        effect: ${t.effect}`).join('\n')}`
      : undefined,
  ].filter((l) => l !== undefined);
  const flags = renderFlags(facts);
  const kubelet = [
    ...(config.length > 0 ? ['    config:', ...config] : []),
    ...(flags.length > 0 ? ['    flags:', ...flags.map((f) => `    - "${f}"`)] : []),
  ];
  return [
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    ...(cluster.length > 0 ? ['  cluster:', ...cluster] : []),
    // A tab where YAML wants spaces: the classic hand-edited NodeConfig nodeadm refuses.
    ...(broken ? ['  kubelet:', '\tconfig: {}'] : kubelet.length > 0 ? ['  kubelet:', ...kubelet] : []),
    '',
  ].join('\n');
}

function bootstrapScript(facts: LaunchTemplateUserData, ca: string | undefined): string {
  const args = [
    facts.clusterName ?? '',
    ...(facts.kubeletFlags ? [`--kubelet-extra-args '${renderFlags(facts).join(' ')}'`] : []),
    ...(ca !== undefined ? ['--b64-cluster-ca $B64_CLUSTER_CA'] : []),
    ...(facts.apiServerEndpoint !== undefined ? ['--apiserver-endpoint $API_SERVER_URL'] : []),
    ...(facts.clusterDns?.[0] !== undefined ? ['--dns-cluster-ip $K8S_CLUSTER_DNS_IP'] : []),
    ...(facts.serviceCidr !== undefined ? [`--service-ipv4-cidr ${facts.serviceCidr}`] : []),
    ...(facts.useMaxPods !== undefined ? [`--use-max-pods ${facts.useMaxPods}`] : []),
  ];
  return [
    '#!/bin/bash',
    'set -ex',
    ...(ca !== undefined ? [`B64_CLUSTER_CA=${ca}`] : []),
    ...(facts.apiServerEndpoint !== undefined ? [`API_SERVER_URL=${facts.apiServerEndpoint}`] : []),
    ...(facts.clusterDns?.[0] !== undefined ? [`K8S_CLUSTER_DNS_IP=${facts.clusterDns[0]}`] : []),
    `/etc/eks/bootstrap.sh ${args.join(' ')}`,
    '',
  ].join('\n');
}

function bottlerocketToml(facts: LaunchTemplateUserData, ca: string | undefined): string {
  const lines = ['[settings.kubernetes]'];
  if (facts.clusterName !== undefined) lines.push(`cluster-name = "${facts.clusterName}"`);
  if (facts.apiServerEndpoint !== undefined) lines.push(`api-server = "${facts.apiServerEndpoint}"`);
  if (ca !== undefined) lines.push(`cluster-certificate = "${ca}"`);
  if (facts.serviceCidr !== undefined) lines.push(`service-ipv4-cidr = "${facts.serviceCidr}"`);
  if (facts.clusterDns !== undefined) lines.push(`cluster-dns-ip = [${facts.clusterDns.map((d) => `"${d}"`).join(', ')}]`);
  if (facts.maxPods !== undefined) lines.push(`max-pods = ${facts.maxPods}`);
  if (facts.nodeLabels) lines.push('', '[settings.kubernetes.node-labels]', ...Object.entries(facts.nodeLabels).map(([k, v]) => `"${k}" = "${v}"`));
  if (facts.taints) {
    const byKey = new Map<string, string[]>();
    for (const t of facts.taints) byKey.set(t.key, [...(byKey.get(t.key) ?? []), `${t.value !== undefined ? `${t.value}:` : ''}${t.effect}`]);
    lines.push('', '[settings.kubernetes.node-taints]', ...[...byKey].map(([k, v]) => `"${k}" = [${v.map((x) => `"${x}"`).join(', ')}]`));
  }
  return lines.join('\n') + '\n';
}

function windowsScript(facts: LaunchTemplateUserData, ca: string | undefined): string {
  const params = [
    facts.clusterName !== undefined ? `-EKSClusterName "${facts.clusterName}"` : undefined,
    facts.apiServerEndpoint !== undefined ? `-APIServerEndpoint "${facts.apiServerEndpoint}"` : undefined,
    ca !== undefined ? `-Base64ClusterCA "${ca}"` : undefined,
    facts.clusterDns?.[0] !== undefined ? `-DNSClusterIP "${facts.clusterDns[0]}"` : undefined,
    facts.serviceCidr !== undefined ? `-ServiceCIDR "${facts.serviceCidr}"` : undefined,
    facts.kubeletFlags ? `-KubeletExtraArgs "${renderFlags(facts).join(' ')}"` : undefined,
  ].filter((p) => p !== undefined);
  return ['<powershell>', '[string]$EKSBootstrapScriptFile = "$env:ProgramFiles\\Amazon\\EKS\\Start-EKSBootstrap.ps1"', `& $EKSBootstrapScriptFile ${params.join(' ')} 3>&1 4>&1 5>&1 6>&1`, '</powershell>', ''].join('\n');
}

/** The fingerprint -> CA lookup over the served clusters' CAs and OTHER_CLUSTER_CAS. */
export function caLookup(servedCas: Iterable<string>): RenderContext['caByFingerprint'] {
  const byFingerprint = new Map<string, string>();
  for (const ca of [...servedCas, ...Object.values(OTHER_CLUSTER_CAS)]) {
    const fingerprint = caFingerprint(ca);
    if (fingerprint && !byFingerprint.has(fingerprint)) byFingerprint.set(fingerprint, ca);
  }
  return (fingerprint) => byFingerprint.get(fingerprint);
}
