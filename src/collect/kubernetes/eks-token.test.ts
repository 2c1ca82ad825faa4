import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { verifyEksToken } from '../../../mocks/k8s-mock/eks-token-check.js';
import { createEksToken, EksTokenSource, TOKEN_RENEW_AFTER_MS } from './eks-token.js';

const credentials = { accessKeyId: 'AKIAEKSDOCTORTEST001', secretAccessKey: 'eks-doctor-test-secret' };

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('EKS token', () => {
  it('is k8s-aws-v1. + base64url of a presigned STS GetCallerIdentity URL signing x-k8s-aws-id', async () => {
    const token = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, signingDate: new Date('2026-01-26T10:15:00Z') });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260126T101500Z');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIAEKSDOCTORTEST001/20260126/eu-west-1/sts/aws4_request');
  });

  it('verifies for its cluster only, and not with another secret', async () => {
    const token = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, stsEndpoint: 'http://127.0.0.1:4566' });
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'prod', credentials })).toEqual({ ok: true, accessKeyId: credentials.accessKeyId });
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'staging', credentials }).ok).toBe(false);
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'prod', credentials: { ...credentials, secretAccessKey: 'other' } }).ok).toBe(false);
    expect(verifyEksToken(`Bearer ${token.slice(0, -2)}`, { clusterName: 'prod', credentials }).ok).toBe(false);
    expect(verifyEksToken('Bearer not-a-token', { clusterName: 'prod', credentials }).ok).toBe(false);
  });

  it('carries the session token of temporary credentials', async () => {
    const token = await createEksToken({ clusterName: 'prod', region: 'us-east-1', credentials: { ...credentials, sessionToken: 'session/+=' } });
    expect(decode(token).searchParams.get('X-Amz-Security-Token')).toBe('session/+=');
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'prod', credentials }).ok).toBe(true);
  });

  it('is renewed before the authenticator would reject it, and shared in between', async () => {
    let now = Date.parse('2026-01-26T10:00:00Z');
    let signings = 0;
    const source = new EksTokenSource({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: async () => {
        signings += 1;
        return credentials;
      },
      now: () => now,
    });
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect(a).toBe(b);
    now += TOKEN_RENEW_AFTER_MS - 1000;
    expect(await source.token()).toBe(a);
    now += 2000;
    const renewed = await source.token();
    expect(renewed).not.toBe(a);
    expect(signings).toBe(2);
  });

  // An independent signer: the mock's check accepts what botocore makes, so it is not merely
  // agreeing with our own generator.
  it('the mock accepts a token made by `aws eks get-token`', async (ctx) => {
    const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('skipped: the aws CLI is not installed');
      ctx.skip();
    }
    const result = spawnSync('aws', ['eks', 'get-token', '--cluster-name', 'prod', '--region', 'eu-west-1', '--output', 'json'], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    expect(result.status, result.stderr).toBe(0);
    const token = (JSON.parse(result.stdout) as { status: { token: string } }).status.token;
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'prod', credentials })).toEqual({ ok: true, accessKeyId: credentials.accessKeyId });
    expect(verifyEksToken(`Bearer ${token}`, { clusterName: 'other', credentials }).ok).toBe(false);
  });
});
