import { describe, expect, it } from 'vitest';
import { decodePolicyDocument, decodeRoleTrustPolicy } from './policy-document.js';

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:kube-system:*' } } }],
};

describe('decodePolicyDocument', () => {
  it('decodes the URL-encoded JSON that iam:GetRole returns', () => {
    const encoded = encodeURIComponent(JSON.stringify(trust));
    expect(encoded).not.toContain('{');
    expect(decodePolicyDocument(encoded)).toEqual(trust);
  });

  it('accepts documents that are already decoded JSON', () => {
    expect(decodePolicyDocument(JSON.stringify(trust, null, 2))).toEqual(trust);
  });

  it('keeps percent signs and spaces that were encoded inside values', () => {
    const doc = { Version: '2012-10-17', Statement: { Sid: 'a b%c', Effect: 'Allow', Action: '*' } };
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
  });

  it('rejects text that is not a policy document', () => {
    expect(() => decodePolicyDocument(encodeURIComponent('{"Version":"2012-10-17"}'))).toThrow(/Statement/);
    expect(() => decodePolicyDocument('%7Bnot json')).toThrow();
  });
});

describe('decodeRoleTrustPolicy', () => {
  it('replaces the encoded trust policy of an SDK Role by the decoded document and keeps the rest', () => {
    const role = { RoleName: 'r', Arn: 'arn:aws:iam::111122223333:role/r', AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) };
    expect(decodeRoleTrustPolicy(role)).toEqual({ RoleName: 'r', Arn: 'arn:aws:iam::111122223333:role/r', AssumeRolePolicyDocument: trust });
  });

  it('leaves a role without a trust policy as it is', () => {
    const role: { RoleName: string; AssumeRolePolicyDocument?: string } = { RoleName: 'r' };
    expect(decodeRoleTrustPolicy(role)).toEqual({ RoleName: 'r' });
  });
});
