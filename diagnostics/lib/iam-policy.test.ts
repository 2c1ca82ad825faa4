import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../src/snapshot/types.js';
import { evaluateTrust, iamWildcardMatch, trustsService } from './iam-policy.js';

const provider = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC';
const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';
const irsa = (condition: Record<string, Record<string, string | string[]>>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
});
const request = (sub: string, aud = 'sts.amazonaws.com') => ({ kind: 'Federated' as const, principal: provider, action: 'sts:AssumeRoleWithWebIdentity', context: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: aud } });

describe('iamWildcardMatch', () => {
  it.each([
    ['system:serviceaccount:kube-system:*', 'system:serviceaccount:kube-system:aws-node', true],
    ['system:serviceaccount:*:aws-node', 'system:serviceaccount:kube-system:aws-node', true],
    ['system:serviceaccount:kube-system:ebs-csi-?', 'system:serviceaccount:kube-system:ebs-csi-a', true],
    ['system:serviceaccount:kube-system:ebs-csi-?', 'system:serviceaccount:kube-system:ebs-csi-ab', false],
    ['system:serviceaccount:default:*', 'system:serviceaccount:kube-system:x', false],
    ['a.b', 'aXb', false],
    ['Case', 'case', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(iamWildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('evaluateTrust', () => {
  it('StringEquals must match exactly', () => {
    const doc = irsa({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:a', [`${issuer}:aud`]: 'sts.amazonaws.com' } });
    expect(evaluateTrust(doc, request('system:serviceaccount:kube-system:a')).allowed).toBe(true);
    const denied = evaluateTrust(doc, request('system:serviceaccount:kube-system:b'));
    expect(denied.allowed).toBe(false);
    expect(denied.candidates[0]!.mismatches.map((m) => m.key)).toEqual([`${issuer}:sub`]);
  });

  it('StringEquals with a wildcard is literal; StringLike expands it', () => {
    expect(evaluateTrust(irsa({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:*' } }), request('system:serviceaccount:kube-system:a')).allowed).toBe(false);
    expect(evaluateTrust(irsa({ StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:*' } }), request('system:serviceaccount:kube-system:a')).allowed).toBe(true);
  });

  it('a list of values matches when any value does', () => {
    const doc = irsa({ StringEquals: { [`${issuer}:sub`]: ['system:serviceaccount:a:x', 'system:serviceaccount:b:y'] } });
    expect(evaluateTrust(doc, request('system:serviceaccount:b:y')).allowed).toBe(true);
  });

  it('condition key names are case-insensitive', () => {
    const doc = irsa({ StringEquals: { [`${issuer.toUpperCase()}:SUB`]: 'system:serviceaccount:kube-system:a' } });
    expect(evaluateTrust(doc, request('system:serviceaccount:kube-system:a')).allowed).toBe(true);
    expect(evaluateTrust(doc, request('system:serviceaccount:kube-system:b')).allowed).toBe(false);
  });

  it('conditions on keys we cannot know are assumed to hold', () => {
    const doc = irsa({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:kube-system:a' }, ArnLike: { 'aws:SourceArn': 'arn:aws:eks:*' } });
    expect(evaluateTrust(doc, request('system:serviceaccount:kube-system:a')).allowed).toBe(true);
  });

  it('a wrong audience fails', () => {
    const doc = irsa({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } });
    expect(evaluateTrust(doc, request('system:serviceaccount:kube-system:a', 'other')).allowed).toBe(false);
  });

  it('an explicit Deny wins', () => {
    const doc: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:*' },
      ],
    };
    expect(trustsService(doc, 'ec2.amazonaws.com')).toBe(false);
  });

  it('service trust needs every action asked for; wildcards in actions count', () => {
    const doc: PolicyDocument = { Statement: { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' } };
    expect(trustsService(doc, 'pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession'])).toBe(false);
    const star: PolicyDocument = { Statement: { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:*' } };
    expect(trustsService(star, 'pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession'])).toBe(true);
  });
});
