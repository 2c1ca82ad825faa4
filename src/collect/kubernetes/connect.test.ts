import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../user-error.js';
import { connectToApiServer, type ConnectOptions } from './connect.js';
import { inClusterIssuer, isOwnCluster, SERVICE_ACCOUNT_DIR } from './in-cluster.js';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5F1E2D3C4B5A69788796A5B4C3D2E1F0';
const base: ConnectOptions = {
  clusterName: 'shop-prod',
  region: 'eu-west-1',
  cluster: { name: 'shop-prod', endpoint: 'https://example.eks.amazonaws.com', certificateAuthority: { data: 'Q0E=' }, identity: { oidc: { issuer: ISSUER } }, status: 'ACTIVE' },
  env: {},
  credentials: async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' }),
};

/** A pod's file system: a service-account token whose issuer is `issuer`. */
function fakePod(issuer: string): string {
  const root = mkdtempSync(join(tmpdir(), 'eks-doctor-pod-'));
  const dir = join(root, SERVICE_ACCOUNT_DIR);
  mkdirSync(dir, { recursive: true });
  const claims = Buffer.from(JSON.stringify({ iss: issuer, sub: 'system:serviceaccount:eks-doctor:eks-doctor' })).toString('base64url');
  writeFileSync(join(dir, 'token'), `eyJhbGciOiJSUzI1NiJ9.${claims}.c2ln`);
  writeFileSync(join(dir, 'ca.crt'), 'not used by this test');
  return root;
}

describe('choosing how to reach the API server', () => {
  it('defaults to the DescribeCluster endpoint with an EKS token', () => {
    const result = connectToApiServer(base);
    expect('connection' in result && result.connection).toMatchObject({ method: 'eks-token', server: 'https://example.eks.amazonaws.com' });
  });

  it('says why when DescribeCluster gave no endpoint', () => {
    expect(connectToApiServer({ ...base, cluster: { name: 'shop-prod', status: 'CREATING' } })).toEqual({ unavailable: { message: expect.stringContaining('CREATING') } });
    expect(connectToApiServer({ ...base, cluster: undefined })).toEqual({ unavailable: { message: expect.stringContaining('DescribeCluster') } });
  });

  it('uses the pod service account only inside the same cluster', () => {
    const env = { KUBERNETES_SERVICE_HOST: '172.20.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const own = fakePod(ISSUER);
    expect(inClusterIssuer(env, join(own, SERVICE_ACCOUNT_DIR))).toBe(ISSUER);
    expect(isOwnCluster(`${ISSUER}/`, ISSUER)).toBe(true);
    const saved = { ...process.env };
    Object.assign(process.env, env); // client-node reads the service host from the process environment
    try {
      const inside = connectToApiServer({ ...base, env, fileSystemRoot: own });
      expect('connection' in inside && inside.connection.method).toBe('in-cluster');
    } finally {
      process.env = saved;
    }
    const other = fakePod('https://oidc.eks.eu-west-1.amazonaws.com/id/0THERC1USTER');
    const elsewhere = connectToApiServer({ ...base, env, fileSystemRoot: other });
    expect('connection' in elsewhere && elsewhere.connection.method).toBe('eks-token');
    // Not in a pod at all.
    expect(inClusterIssuer({}, join(own, SERVICE_ACCOUNT_DIR))).toBeUndefined();
  });

  it('uses a kubeconfig when given one, and a missing file is a user error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: one, context: {cluster: c, user: u}}, {name: two, context: {cluster: c, user: u}}]',
        'current-context: one',
      ].join('\n'),
    );
    const result = connectToApiServer({ ...base, kubeconfig: file, context: 'two' });
    expect('connection' in result && result.connection).toMatchObject({ method: 'kubeconfig', server: 'https://127.0.0.1:6443', context: 'two' });
    const fromEnv = connectToApiServer({ ...base, env: { KUBECONFIG: file } });
    expect('connection' in fromEnv && fromEnv.connection.context).toBe('one');
    expect(() => connectToApiServer({ ...base, kubeconfig: join(dir, 'missing') })).toThrow(UserError);
  });
});
