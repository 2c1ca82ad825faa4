/**
 * IAM returns policy documents (GetRole's AssumeRolePolicyDocument, GetPolicyVersion's Document, ...)
 * as URL-encoded JSON strings (RFC 3986 percent-encoding, see the IAM API reference for GetRole).
 * The snapshot stores them decoded, as objects, so a check reads `Statement` directly; collectors
 * call these functions on every document before it enters the snapshot.
 */
import type { PolicyDocument } from './types.js';

/**
 * Decodes a policy document as IAM returns it. Accepts the URL-encoded form and, because some
 * tools (and older SDKs) already decode it, plain JSON too. Throws when the text is not a policy
 * document: a collector should record that as a failed call, not store a half-read policy.
 */
export function decodePolicyDocument(raw: string): PolicyDocument {
  const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('Statement' in parsed)) {
    throw new Error('not an IAM policy document: it has no "Statement"');
  }
  return parsed as PolicyDocument;
}

/**
 * A role as iam:GetRole returns it, with its trust policy decoded. Works on the SDK's `Role` and on
 * any object carrying an encoded `AssumeRolePolicyDocument`.
 */
export function decodeRoleTrustPolicy<R extends { AssumeRolePolicyDocument?: string }>(
  role: R,
): Omit<R, 'AssumeRolePolicyDocument'> & { AssumeRolePolicyDocument?: PolicyDocument } {
  const { AssumeRolePolicyDocument: encoded, ...rest } = role;
  return encoded === undefined ? rest : { ...rest, AssumeRolePolicyDocument: decodePolicyDocument(encoded) };
}
