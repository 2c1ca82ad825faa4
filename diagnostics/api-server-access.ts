/**
 * When the Kubernetes API server could not be read, says so (the symptom), and explains why from
 * what AWS shows: the cluster is not ACTIVE, its endpoint is private-only, its public endpoint only
 * admits some CIDRs, the caller is not mapped to a Kubernetes identity, or lacks RBAC rights, or the
 * certificate presented was not the cluster's.
 */
import { assumedRoleOf, parseIamArn } from '../src/domain/iam-arn.js';
import { defineDiagnostic, requirePart, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource } from '../src/engine/resources.js';
import type { ApiServerAccess, Snapshot } from '../src/snapshot/types.js';
import { DOCS } from './lib/docs-links.js';

type Code =
  | 'unreachable'
  | 'cluster-not-active'
  | 'private-endpoint-only'
  | 'public-access-cidrs'
  | 'caller-not-mapped'
  | 'caller-lacks-rbac'
  | 'certificate-mismatch';

const FAILURE_WORDS: Record<NonNullable<ApiServerAccess['failure']>['kind'], string> = {
  unreachable: 'could not connect to',
  timeout: 'got no answer in time from',
  tls: 'could not verify the TLS certificate of',
  unauthorized: 'was refused as unauthenticated (401) by',
  forbidden: 'was forbidden (403) by',
  'not-configured': 'had no way to reach',
  other: 'failed to read',
};

/** arn:aws:sts::111122223333:assumed-role/Admin/alice -> the role's name 'Admin'; an IAM user or role ARN -> itself. */
function callerPrincipal(arn: string): { arn: string; roleName?: string } {
  const assumed = assumedRoleOf(arn);
  if (assumed) return { arn: assumed.roleArnWithoutPath, roleName: assumed.roleName };
  const parsed = parseIamArn(arn);
  return parsed?.resourceType === 'role' ? { arn, roleName: parsed.name } : { arn };
}

/** Access entries name roles with their path; the STS ARN of an assumed role does not carry it. */
function hasAccessEntry(snapshot: Snapshot, caller: { arn: string; roleName?: string }): boolean {
  return (snapshot.aws.accessEntries ?? []).some((entry) => {
    const principal = entry.principalArn ?? '';
    if (principal === caller.arn) return true;
    return caller.roleName !== undefined && /:role\//.test(principal) && principal.endsWith(`/${caller.roleName}`);
  });
}

export default defineDiagnostic<Code>({
  id: 'api-server-access',
  title: 'The Kubernetes API server can be read',
  description:
    'eks-doctor reads the cluster through its API server. When that fails, every Kubernetes-side check reports error; this check says why, from the cluster\'s endpoint settings, status and access entries.',
  docs: [DOCS.clusterEndpoint, DOCS.accessEntries],
  needs: ['kubernetes.apiServer'],
  // Its verdict is on eks-doctor's access, not on the cluster: alone it earns no exit code 0 or 1.
  subject: 'eks-doctor-access',
  uses: ['aws.cluster', 'aws.callerIdentity', 'aws.accessEntries'],
  codes: {
    unreachable: {
      severity: 'warning',
      title: 'Kubernetes API server could not be read',
      description: 'The Kubernetes-side checks could not run, so problems inside the cluster may be missed.',
      symptom: 'api-server-unreachable',
    },
    'cluster-not-active': {
      severity: 'critical',
      title: 'Cluster is not ACTIVE',
      description: 'A cluster that is creating, updating, deleting or failed may not serve its API.',
      explains: ['api-server-unreachable'],
    },
    'private-endpoint-only': {
      severity: 'info',
      title: 'API server endpoint is private only',
      description: 'With public access disabled, the API server answers only from inside the VPC (or networks connected to it).',
      explains: ['api-server-unreachable'],
    },
    'public-access-cidrs': {
      severity: 'info',
      title: 'Public endpoint admits only some addresses',
      description: 'publicAccessCidrs limits which source addresses reach the public endpoint; others time out.',
      explains: ['api-server-unreachable'],
    },
    'caller-not-mapped': {
      severity: 'warning',
      title: 'Caller has no access entry or aws-auth mapping',
      description: 'The API server answers 401 to an IAM principal that is mapped to no Kubernetes identity.',
      explains: ['api-server-unreachable'],
    },
    'caller-lacks-rbac': {
      severity: 'warning',
      title: 'Caller lacks Kubernetes read permissions',
      description: 'The caller is authenticated but RBAC forbids the reads eks-doctor makes.',
      explains: ['api-server-unreachable'],
    },
    'certificate-mismatch': {
      severity: 'warning',
      title: 'API server certificate not signed by the cluster CA',
      description: 'The certificate presented does not chain to the cluster\'s certificate authority: usually a TLS-intercepting proxy, or the wrong endpoint.',
      explains: ['api-server-unreachable'],
    },
  },
  check({ snapshot }) {
    const access = snapshot.kubernetes.apiServer!;
    if (access.reachable || !access.failure) return [];
    // Without the cluster's description there is nothing to explain the failure with (and with a
    // kubeconfig-less run, no endpoint was ever known): say what is missing instead.
    const cluster = access.method === 'kubeconfig' ? snapshot.aws.cluster : requirePart(snapshot, 'aws.cluster', snapshot.aws.cluster);
    const name = snapshot.cluster.name;
    const region = snapshot.cluster.region;
    const clusterRef = resource.cluster(cluster?.arn ?? name, name);
    const failure = access.failure;
    const where = access.server ?? cluster?.endpoint ?? 'the API server';
    const findings: NewFinding<Code>[] = [
      {
        code: 'unreachable',
        title: `eks-doctor ${FAILURE_WORDS[failure.kind]} the API server of ${name}`,
        rootCause: `${failure.message}. The Kubernetes-side checks could not run; the AWS-side checks did.`,
        evidence: [`${access.method} connection to ${where}: ${failure.kind}${failure.httpStatus ? ` (HTTP ${failure.httpStatus})` : ''}: ${failure.message}`],
        resources: [clusterRef],
        fix: {
          summary: 'See the cause below; or run eks-doctor where the API server is reachable, or with a kubeconfig that works (--kubeconfig, --context).',
          commands: [`aws eks update-kubeconfig --name ${name} --region ${region}`, 'kubectl get --raw /version'],
          docs: [DOCS.clusterEndpoint],
        },
      },
    ];
    const explain = (f: Omit<NewFinding<Code>, 'resources'> & { resources?: ResourceRef[] }): void => {
      findings.push({ ...f, resources: f.resources ?? [clusterRef] });
    };

    if (cluster?.status && cluster.status !== 'ACTIVE') {
      explain({
        code: 'cluster-not-active',
        title: `Cluster ${name} is ${cluster.status}`,
        rootCause: `DescribeCluster reports status ${cluster.status}; the API server is only dependable once the cluster is ACTIVE.`,
        evidence: [`eks:DescribeCluster status: ${cluster.status}`],
        fix: {
          summary: cluster.status === 'FAILED' ? 'The cluster failed to create; see its health issues, then recreate it.' : 'Wait for the cluster to become ACTIVE, then run eks-doctor again.',
          commands: [`aws eks describe-cluster --name ${name} --region ${region} --query 'cluster.{status:status,health:health}'`],
          docs: [DOCS.clusterEndpoint],
        },
      });
    }

    const network = failure.kind === 'unreachable' || failure.kind === 'timeout';
    const vpc = cluster?.resourcesVpcConfig;
    if (network && vpc?.endpointPublicAccess === false) {
      explain({
        code: 'private-endpoint-only',
        title: `The API server of ${name} is reachable only from inside its VPC`,
        rootCause: `Public access to the endpoint is disabled (endpointPublicAccess false), so the API server answers only from the VPC ${vpc.vpcId ?? ''} or networks connected to it; this machine is evidently not one of them.`,
        evidence: [`resourcesVpcConfig.endpointPublicAccess: false`, `resourcesVpcConfig.endpointPrivateAccess: ${String(vpc.endpointPrivateAccess ?? false)}`],
        fix: {
          summary: 'Run eks-doctor from inside the VPC (a bastion, a pod in the cluster, a VPN or Direct Connect network), or enable public access limited to your address.',
          commands: [`aws eks update-cluster-config --name ${name} --region ${region} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=<your-ip>/32`],
          docs: [DOCS.clusterEndpoint],
        },
      });
    } else if (network && vpc?.endpointPublicAccess !== false && vpc?.publicAccessCidrs && !vpc.publicAccessCidrs.includes('0.0.0.0/0')) {
      explain({
        code: 'public-access-cidrs',
        title: `The public endpoint of ${name} admits only ${vpc.publicAccessCidrs.join(', ')}`,
        rootCause: `publicAccessCidrs restricts the public endpoint to ${vpc.publicAccessCidrs.join(', ')}; connections from other addresses are dropped, which looks exactly like this ${failure.kind}. This machine's public address is probably not in that list.`,
        evidence: [`resourcesVpcConfig.publicAccessCidrs: ${vpc.publicAccessCidrs.join(', ')}`],
        fix: {
          summary: "Add this machine's public address (or its NAT's) to publicAccessCidrs, or run eks-doctor from an address already in it.",
          commands: [
            'curl -s https://checkip.amazonaws.com',
            `aws eks update-cluster-config --name ${name} --region ${region} --resources-vpc-config publicAccessCidrs=${[...vpc.publicAccessCidrs, '<your-ip>/32'].join(',')}`,
          ],
          docs: [DOCS.clusterEndpoint],
        },
      });
    }

    if (failure.kind === 'unauthorized') {
      const callerArn = snapshot.aws.callerIdentity?.Arn;
      const caller = callerArn ? callerPrincipal(callerArn) : undefined;
      const mode = cluster?.accessConfig?.authenticationMode;
      const entriesKnown = snapshot.aws.accessEntries !== undefined;
      const mapped = caller && entriesKnown ? hasAccessEntry(snapshot, caller) : undefined;
      if (mapped !== true) {
        const who = caller?.arn ?? 'the caller';
        const configMapToo = mode !== 'API';
        explain({
          code: 'caller-not-mapped',
          title: `${who} is not mapped to a Kubernetes identity in ${name}`,
          rootCause: [
            `The API server rejected the token of ${callerArn ?? 'the caller'} as unauthenticated.`,
            mapped === false ? `The cluster has no access entry for ${who}` : `Whether ${who} has an access entry is unknown (the access entries could not be read)`,
            configMapToo
              ? `and, with authentication mode ${mode ?? 'unknown'}, any aws-auth mapping for it cannot be checked without the API server.`
              : 'and authentication mode API ignores aws-auth.',
          ].join(' '),
          evidence: [
            `sts:GetCallerIdentity: ${callerArn ?? 'unknown'}`,
            `accessConfig.authenticationMode: ${mode ?? 'unknown'}`,
            entriesKnown ? `access entries: ${(snapshot.aws.accessEntries ?? []).map((e) => e.principalArn).join(', ') || 'none'}` : 'access entries: not read',
          ],
          ...(caller ? { resources: [clusterRef, resource.accessEntry(caller.arn)] } : {}),
          fix: {
            summary: `Create an access entry for ${who} with a read-only policy, or run eks-doctor as a principal that has one.`,
            commands: [
              `aws eks create-access-entry --cluster-name ${name} --region ${region} --principal-arn ${caller?.arn ?? '<principal-arn>'}`,
              associateViewPolicy(name, region, caller?.arn),
            ],
            ...(configMapToo
              ? {
                  alternatives: [
                    {
                      summary: `Map ${who} in aws-auth to a group bound to eks-doctor's read-only ClusterRole (run these as someone who can already reach the API).`,
                      commands: [
                        `eksctl create iamidentitymapping --cluster ${name} --region ${region} --arn ${caller?.arn ?? '<principal-arn>'} --username eks-doctor --group eks-doctor-readers`,
                        'kubectl apply -f policy/clusterrole.yaml',
                        'kubectl create clusterrolebinding eks-doctor-read-only --clusterrole eks-doctor-read-only --group eks-doctor-readers',
                      ],
                    },
                  ],
                }
              : {}),
            docs: [DOCS.accessEntries, DOCS.authConfigmap],
          },
        });
      }
    }

    if (failure.kind === 'forbidden') {
      explain({
        code: 'caller-lacks-rbac',
        title: `${snapshot.aws.callerIdentity?.Arn ?? 'The caller'} may not read ${name}'s API`,
        rootCause: 'The caller is authenticated but Kubernetes RBAC forbids the reads eks-doctor needs (get/list on nodes, pods, events and the other resources in policy/clusterrole.yaml).',
        evidence: [`${failure.message}`],
        fix: {
          summary: "Bind eks-doctor's read-only ClusterRole (policy/clusterrole.yaml) to the caller's Kubernetes user or group.",
          commands: ['kubectl apply -f policy/clusterrole.yaml', 'kubectl create clusterrolebinding eks-doctor-read-only --clusterrole eks-doctor-read-only --group <group-of-the-caller>'],
          alternatives: [{ summary: 'Associate the AmazonEKSAdminViewPolicy access policy with the caller (it needs an access entry).', commands: [associateViewPolicy(name, region, snapshot.aws.callerIdentity?.Arn ? callerPrincipal(snapshot.aws.callerIdentity.Arn).arn : undefined)] }],
          docs: [DOCS.viewKubernetesResources],
        },
      });
    }

    if (failure.kind === 'tls') {
      explain({
        code: 'certificate-mismatch',
        title: `The certificate presented for ${name} is not signed by the cluster's CA`,
        rootCause: `TLS verification against the cluster's certificate authority (DescribeCluster certificateAuthority.data) failed: ${failure.message}. A proxy that intercepts TLS, or an endpoint that is not this cluster's, presents another certificate.`,
        evidence: [`${where}: ${failure.message}`],
        fix: {
          summary: 'Exclude the cluster endpoint from TLS interception (NO_PROXY, proxy bypass list), and check that the endpoint is the one DescribeCluster reports.',
          commands: [`aws eks describe-cluster --name ${name} --region ${region} --query cluster.endpoint`, `openssl s_client -connect ${where.replace(/^https:\/\//, '')}:443 -showcerts </dev/null`],
          docs: [DOCS.clusterEndpoint],
        },
      });
    }
    return findings;
  },
});

function associateViewPolicy(cluster: string, region: string, principalArn: string | undefined): string {
  return `aws eks associate-access-policy --cluster-name ${cluster} --region ${region} --principal-arn ${principalArn ?? '<principal-arn>'} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy --access-scope type=cluster`;
}
