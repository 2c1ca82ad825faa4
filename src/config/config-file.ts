import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { Diagnostic, Threshold, ThresholdValues } from '../engine/diagnostic.js';
import type { SuppressionRule } from '../engine/suppress.js';
import { UserError } from '../user-error.js';

/** Looked for in the current directory when --config is not given. */
export const DEFAULT_CONFIG_FILE = '.eks-doctor.yaml';

export interface EksDoctorConfig {
  file: string;
  only?: string[];
  skip?: string[];
  thresholds: ThresholdValues;
  suppressions: SuppressionRule[];
  /** Where each check id of only/skip was written, for errors against the catalogue. */
  checkIdLines: { id: string; line: number }[];
}

const TOP_LEVEL_KEYS = ['only', 'skip', 'thresholds', 'suppressions'] as const;
const SUPPRESSION_KEYS = ['id', 'resources', 'keys', 'reason', 'expires'] as const;

/**
 * The config file to read: --config FILE (must exist), else .eks-doctor.yaml in `cwd` when there
 * is one, else none. --no-config reads none.
 */
export function loadConfig(args: { path?: string; cwd: string; disabled?: boolean; thresholds: ReadonlyMap<string, Threshold> }): EksDoctorConfig | undefined {
  if (args.disabled) return undefined;
  if (args.path !== undefined) {
    if (!existsSync(args.path)) throw new UserError(`config file ${args.path} does not exist`);
    return parseConfig(readFileSync(args.path, 'utf8'), args.path, args.thresholds);
  }
  const found = join(args.cwd, DEFAULT_CONFIG_FILE);
  return existsSync(found) ? parseConfig(readFileSync(found, 'utf8'), DEFAULT_CONFIG_FILE, args.thresholds) : undefined;
}

/**
 * Parses and validates the YAML text; every mistake is a UserError naming the file and line.
 * `thresholds` are the checks' declared thresholds (catalogueThresholds): the keys `thresholds:` accepts.
 */
export function parseConfig(text: string, file: string, thresholds: ReadonlyMap<string, Threshold>): EksDoctorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const fail = (line: number, message: string, hint?: string): never => {
    throw new UserError(`${file} line ${line}: ${message}`, hint ?? 'See docs/report-contract.md#the-config-file for the format.');
  };
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    fail(lineCounter.linePos(error.pos[0]).line, `not valid YAML: ${error.message.split('\n')[0]}`);
  }
  const config: EksDoctorConfig = { file, thresholds: {}, suppressions: [], checkIdLines: [] };
  const values: Record<string, number> = {};
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return config;
  if (!isMap(root)) return fail(lineOf(root), 'expected a mapping with keys only, skip, thresholds, suppressions');

  const keyName = (pair: Pair): { name: string; line: number } => {
    const key = pair.key as Node | null;
    return { name: isScalar(key) ? String(key.value) : String(key), line: lineOf(key) };
  };
  const stringList = (node: unknown, what: string, line: number): { value: string; line: number }[] => {
    if (isScalar(node) && typeof node.value === 'string') {
      return node.value.split(',').map((v) => ({ value: v.trim(), line: lineOf(node) })).filter((v) => v.value !== '');
    }
    if (!isSeq(node)) return fail(line, `${what} must be a list of strings`);
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') return fail(lineOf(item as Node) || line, `${what} must be a list of strings`);
      return { value: item.value.trim(), line: lineOf(item) };
    });
  };

  for (const pair of root.items) {
    const { name, line } = keyName(pair);
    const value = pair.value as Node | null;
    switch (name) {
      case 'only':
      case 'skip': {
        const ids = stringList(value, name, line);
        config[name] = ids.map((i) => i.value);
        config.checkIdLines.push(...ids.map((i) => ({ id: i.value, line: i.line })));
        break;
      }
      case 'thresholds': {
        const known = [...thresholds.keys()].sort().join(', ');
        if (!isMap(value)) return fail(line, `thresholds must be a mapping of ${known}`);
        for (const t of value.items) {
          const k = keyName(t);
          const spec = thresholds.get(k.name);
          if (!spec) return fail(k.line, `unknown threshold '${k.name}'; known: ${known}`);
          const v = t.value as Node | null;
          const n = isScalar(v) ? v.value : undefined;
          if (typeof n !== 'number' || !Number.isFinite(n) || n < spec.min || (spec.integer && !Number.isInteger(n))) {
            return fail(k.line, `thresholds.${k.name} must be a${spec.integer ? ' whole' : ''} number of at least ${spec.min}`);
          }
          values[k.name] = n;
        }
        config.thresholds = values;
        break;
      }
      case 'suppressions': {
        if (!isSeq(value)) return fail(line, 'suppressions must be a list of entries with id and reason');
        for (const item of value.items) config.suppressions.push(suppression(item as Node, fail, lineOf, keyName, stringList));
        break;
      }
      default:
        return fail(line, `unknown key '${name}'; known keys: ${TOP_LEVEL_KEYS.join(', ')}`);
    }
  }
  return config;
}

function suppression(
  item: Node,
  fail: (line: number, message: string) => never,
  lineOf: (node: Node | null | undefined) => number,
  keyName: (pair: Pair) => { name: string; line: number },
  stringList: (node: unknown, what: string, line: number) => { value: string; line: number }[],
): SuppressionRule {
  const line = lineOf(item);
  if (!isMap(item)) return fail(line, 'each suppression must be a mapping with id and reason');
  const entry: Partial<SuppressionRule> = { line };
  for (const pair of item.items) {
    const { name, line: keyLine } = keyName(pair);
    const value = pair.value as Node | null;
    const scalarString = (): string => {
      if (!isScalar(value) || value.value === null || value.value === undefined || String(value.value).trim() === '') return fail(keyLine, `suppression ${name} must not be empty`);
      return String(value.value).trim();
    };
    switch (name) {
      case 'id': {
        const id = scalarString();
        if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(id)) fail(keyLine, `suppression id '${id}' is not a finding id ('<check>/<code>', see \`eks-doctor list\`)`);
        entry.id = id;
        break;
      }
      case 'reason':
        entry.reason = scalarString();
        break;
      case 'expires': {
        const date = scalarString();
        if (!isCalendarDate(date)) fail(keyLine, `suppression expires '${date}' is not a date (YYYY-MM-DD)`);
        entry.expires = date;
        break;
      }
      case 'resources':
      case 'keys':
        entry[name] = stringList(value, `suppression ${name}`, keyLine).map((v) => v.value);
        break;
      default:
        fail(keyLine, `unknown key '${name}' in suppression; known keys: ${SUPPRESSION_KEYS.join(', ')}`);
    }
  }
  if (!entry.id) fail(line, 'suppression has no id (the finding id to silence)');
  if (!entry.reason) fail(line, `suppression of ${entry.id} has no reason: say why it is safe to ignore, for whoever reads this next`);
  return entry as SuppressionRule;
}

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Check ids and finding ids in the file must exist: a typo would silently select or silence nothing. */
export function checkConfigAgainstCatalogue(config: EksDoctorConfig, diagnostics: Pick<Diagnostic, 'id' | 'codes'>[]): void {
  const checks = new Set(diagnostics.map((d) => d.id));
  const findingIds = new Set(diagnostics.flatMap((d) => Object.keys(d.codes).map((c) => `${d.id}/${c}`)));
  for (const { id, line } of config.checkIdLines) {
    if (!checks.has(id)) throw new UserError(`${config.file} line ${line}: unknown check '${id}'`, `Known checks: ${[...checks].join(', ')} (see \`eks-doctor list\`).`);
  }
  for (const s of config.suppressions) {
    if (!findingIds.has(s.id)) throw new UserError(`${config.file} line ${s.line}: suppression of unknown finding id '${s.id}'`, 'See `eks-doctor list` for the finding ids.');
  }
}
