import { isSeq, LineCounter, parseDocument } from 'yaml';
import { memoised } from '../../src/engine/snapshot-memo.js';
import type { KubeConfigMap, Snapshot } from '../../src/snapshot/types.js';

/** One entry of aws-auth's mapRoles, with the line it starts on (1-based, within the mapRoles value). */
export interface RoleMapping {
  rolearn: string;
  username?: string;
  groups: string[];
  line: number;
}

export interface AwsAuthProblem {
  key: 'mapRoles' | 'mapUsers' | 'mapAccounts';
  line: number;
  column: number;
  message: string;
}

export interface ParsedAwsAuth {
  roles: RoleMapping[];
  /** YAML that does not parse: the whole key is unusable (the authenticator rejects it). */
  syntaxErrors: AwsAuthProblem[];
  /** Entries that parse but are not mappings the authenticator can use. */
  invalidEntries: AwsAuthProblem[];
}


/**
 * The snapshot's aws-auth parsed once per run (undefined without one): aws-auth and node-iam-role
 * read it, node-iam-role once per instance profile, and the YAML parser is among the checks'
 * costliest steps at scale (a mapping per team). Callers only read the result.
 */
export function snapshotAwsAuth(snapshot: Snapshot): ParsedAwsAuth | undefined {
  const configMap = snapshot.kubernetes.awsAuth;
  return configMap ? memoised(snapshot, 'aws-auth parsed', () => parseAwsAuth(configMap)) : undefined;
}

export function parseAwsAuth(configMap: KubeConfigMap): ParsedAwsAuth {
  const result: ParsedAwsAuth = { roles: [], syntaxErrors: [], invalidEntries: [] };
  const data = configMap.data ?? {};
  for (const key of ['mapRoles', 'mapUsers', 'mapAccounts'] as const) {
    const text = data[key];
    if (text === undefined || text.trim() === '') continue;
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    if (doc.errors.length > 0) {
      // The first error is the one to fix; the rest usually follow from it.
      const error = doc.errors[0]!;
      const pos = lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      result.syntaxErrors.push({ key, line: pos.line, column: pos.col, message });
      continue;
    }
    if (key !== 'mapRoles') continue;
    const contents = doc.contents;
    if (!isSeq(contents)) {
      result.invalidEntries.push({ key, line: 1, column: 1, message: 'mapRoles is not a YAML list' });
      continue;
    }
    for (const item of contents.items) {
      const line = item && typeof item === 'object' && 'range' in item && item.range ? lines.linePos(item.range[0]).line : 1;
      const value: unknown = item && typeof item === 'object' && 'toJSON' in item ? (item as { toJSON(): unknown }).toJSON() : item;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        result.invalidEntries.push({ key, line, column: 1, message: 'entry is not a mapping with rolearn, username and groups' });
        continue;
      }
      const entry = value as Record<string, unknown>;
      if (typeof entry.rolearn !== 'string') {
        result.invalidEntries.push({ key, line, column: 1, message: `entry has no rolearn${typeof entry.roleARN === 'string' || typeof entry.roleArn === 'string' ? ' (the key is spelled rolearn, all lower case)' : ''}` });
        continue;
      }
      const groups = Array.isArray(entry.groups) ? entry.groups.filter((g): g is string => typeof g === 'string') : [];
      result.roles.push({ rolearn: entry.rolearn.trim(), ...(typeof entry.username === 'string' ? { username: entry.username } : {}), groups, line });
    }
  }
  return result;
}
