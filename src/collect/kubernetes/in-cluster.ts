/**
 * Inside a pod the tool can use its own service account, but only for the pod's own cluster: asked
 * about another cluster, it must use that cluster's endpoint instead. The service-account token is
 * a JWT whose issuer is the cluster's OIDC issuer URL, which DescribeCluster also reports
 * (identity.oidc.issuer); equal issuers mean the same cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The issuer of this pod's service-account token, or undefined when not running in a pod. */
export function inClusterIssuer(env: NodeJS.ProcessEnv, serviceAccountDir = SERVICE_ACCOUNT_DIR): string | undefined {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return undefined;
  let token: string;
  try {
    token = readFileSync(join(serviceAccountDir, 'token'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    // Read, not verified: the claim only selects a connection; the API server verifies the token.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

export function isOwnCluster(issuer: string | undefined, clusterOidcIssuer: string | undefined): boolean {
  if (!issuer || !clusterOidcIssuer) return false;
  const normalise = (url: string): string => url.replace(/\/+$/, '').toLowerCase();
  return normalise(issuer) === normalise(clusterOidcIssuer);
}
