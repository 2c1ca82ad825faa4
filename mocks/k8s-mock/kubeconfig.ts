/** A kubeconfig that points kubectl (or eks-doctor --kubeconfig) at a mock API server. */
import { stringify } from 'yaml';

export function mockKubeconfigYaml(args: { clusterName: string; server: string; certificateAuthorityData: string; token: string }): string {
  const name = `eks-doctor-mock-${args.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: args.server, 'certificate-authority-data': args.certificateAuthorityData } }],
    // A static EKS token signed with the mock credentials; the mock does not expire tokens unless asked to.
    users: [{ name, user: { token: args.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}
