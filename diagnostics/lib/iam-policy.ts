/**
 * Evaluation of IAM trust policies (a role's AssumeRolePolicyDocument), as far as a snapshot lets
 * us: who may assume the role, with which action, and whether the condition keys we know the value
 * of (an IRSA token's `:aud` and `:sub`) satisfy the statement's conditions.
 *
 * Follows the IAM policy evaluation logic (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny wins over an Allow; every condition operator in a statement must hold; within
 * one operator every key must hold; a key with several values holds when any value matches.
 * Condition keys whose value we cannot know (aws:SourceArn, aws:SourceAccount, ...) are assumed to
 * hold, so that a statement is never reported broken for a reason we cannot see.
 */
import type { PolicyDocument, PolicyStatement } from '../../src/snapshot/types.js';

export function statementsOf(document: PolicyDocument | undefined): PolicyStatement[] {
  if (!document) return [];
  // A document without statements (hand-edited snapshot, truncated decode) allows nothing.
  if (document.Statement === undefined || document.Statement === null) return [];
  return (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).filter((s) => s !== undefined && s !== null);
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * IAM's StringLike matching: `*` matches any run of characters (also none), `?` exactly one;
 * everything else literally and case-sensitively.
 */
export function iamWildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Actions are matched case-insensitively and may use wildcards ("sts:*", "*"). */
function actionMatches(statement: PolicyStatement, action: string): boolean {
  const wanted = action.toLowerCase();
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((a) => iamWildcardMatch(a.toLowerCase(), wanted));
  return asList(statement.Action).some((a) => iamWildcardMatch(a.toLowerCase(), wanted));
}

export type PrincipalKind = 'Service' | 'Federated' | 'AWS';

function principalMatches(statement: PolicyStatement, kind: PrincipalKind, principal: string): boolean {
  if (statement.NotPrincipal !== undefined) return false; // never used in trust policies we care about
  const p = statement.Principal;
  if (p === undefined) return false;
  if (p === '*') return true;
  const values = asList(p[kind]);
  return values.some((v) => v === '*' || v === principal);
}

/** The outcome of one condition operator on one key: `undefined` when the key's value is unknown. */
function evaluateOperator(operator: string, expected: string[], actual: string | undefined): boolean | undefined {
  const ifExists = operator.endsWith('IfExists');
  const base = (ifExists ? operator.slice(0, -'IfExists'.length) : operator).replace(/^(ForAnyValue|ForAllValues):/, '');
  if (actual === undefined) return undefined;
  switch (base) {
    case 'StringEquals':
      return expected.includes(actual);
    case 'StringNotEquals':
      return !expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
      return expected.some((e) => iamWildcardMatch(e, actual));
    case 'StringNotLike':
      return !expected.some((e) => iamWildcardMatch(e, actual));
    // ARN operators compare like StringLike (wildcards in any segment); a repository policy's aws:PrincipalArn uses them.
    case 'ArnEquals':
    case 'ArnLike':
      return expected.some((e) => iamWildcardMatch(e, actual));
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return !expected.some((e) => iamWildcardMatch(e, actual));
    default:
      // Numeric, date, IP and Bool operators never apply to the keys we know.
      return undefined;
  }
}

/** One condition key that did not hold, for evidence: "StringEquals oidc...:sub = system:serviceaccount:a:b". */
export interface ConditionMismatch {
  operator: string;
  key: string;
  expected: string[];
  actual: string;
}

/**
 * Evaluates a statement's Condition block against the keys we know. Keys are compared
 * case-insensitively (IAM condition key names are case-insensitive), values as the operator says.
 */
export function conditionMismatches(statement: PolicyStatement, known: Record<string, string>): ConditionMismatch[] {
  const mismatches: ConditionMismatch[] = [];
  const knownByLowerKey = new Map(Object.entries(known).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, raw] of Object.entries(keys)) {
      const expected = asList(raw).map(String);
      const actual = knownByLowerKey.get(key.toLowerCase());
      if (evaluateOperator(operator, expected, actual) === false) mismatches.push({ operator, key, expected, actual: actual! });
    }
  }
  return mismatches;
}

export interface TrustRequest {
  kind: PrincipalKind;
  principal: string;
  action: string;
  /** Condition keys whose values we know for this request. */
  context?: Record<string, string>;
}

export interface TrustEvaluation {
  allowed: boolean;
  /** Allow statements naming the principal and action, with what kept each from applying. */
  candidates: { statement: PolicyStatement; mismatches: ConditionMismatch[] }[];
  /** A Deny statement that applies. */
  deniedBy?: PolicyStatement;
}

/** Whether the trust policy lets `request.principal` call `request.action` on the role. */
export function evaluateTrust(document: PolicyDocument | undefined, request: TrustRequest): TrustEvaluation {
  const context = request.context ?? {};
  const relevant = statementsOf(document).filter((s) => principalMatches(s, request.kind, request.principal) && actionMatches(s, request.action));
  const deniedBy = relevant.find((s) => s.Effect === 'Deny' && conditionMismatches(s, context).length === 0);
  const candidates = relevant.filter((s) => s.Effect === 'Allow').map((statement) => ({ statement, mismatches: conditionMismatches(statement, context) }));
  const allowed = !deniedBy && candidates.some((c) => c.mismatches.length === 0);
  return { allowed, candidates, ...(deniedBy ? { deniedBy } : {}) };
}

/** Whether the trust policy lets an AWS service principal (ec2.amazonaws.com, pods.eks.amazonaws.com) perform every action given. */
export function trustsService(document: PolicyDocument | undefined, service: string, actions: string[] = ['sts:AssumeRole']): boolean {
  return actions.every((action) => evaluateTrust(document, { kind: 'Service', principal: service, action }).allowed);
}

/** Compact text of a trust policy's principals, for evidence ("Service ec2.amazonaws.com; Federated arn:..."). */
export function describeTrustedPrincipals(document: PolicyDocument | undefined): string {
  const parts: string[] = [];
  for (const s of statementsOf(document)) {
    if (s.Effect !== 'Allow' || s.Principal === undefined) continue;
    if (s.Principal === '*') {
      parts.push('*');
      continue;
    }
    for (const [kind, values] of Object.entries(s.Principal)) for (const v of asList(values)) parts.push(`${kind} ${v}`);
  }
  return parts.length > 0 ? [...new Set(parts)].join('; ') : 'no principal at all';
}
