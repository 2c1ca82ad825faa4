import { partValue, type CollectionError, type Snapshot, type SnapshotPart } from '../snapshot/types.js';
import { couldNotRead, partLabel } from './failure-text.js';
import { withSnapshotIndexes } from './snapshot-memo.js';
import type { ExplainScope, Finding, Fix, ResourceRef, Severity } from './finding.js';
import type { IncompletePart } from './run-checks.js';
import type { SymptomKind } from './symptoms.js';

/** One entry of a check's catalogue of finding codes (popeye's codes.yaml, next to the logic). */
export interface FindingCode {
  severity: Severity;
  /** Short, generic title for the catalogue ("Node role not mapped in aws-auth"). */
  title: string;
  /** Why this happens and what it breaks, for docs/checks.md. */
  description: string;
  /** Set when findings of this code are symptoms of this kind. */
  symptom?: SymptomKind;
  /** The symptom kinds findings of this code can explain. */
  explains?: SymptomKind[];
  /**
   * A likely cause the data cannot prove (a DNS server eks-doctor cannot query): correlation keeps
   * it at its severity only while it is the one explanation found for a symptom; when every symptom
   * it explains has a proven cause too, or it explains none, it becomes info and explains nothing.
   */
  tentative?: boolean;
  /**
   * On a cause: what a check that ran and found none of it has shown, as one clause ("the node role
   * is mapped in aws-auth or an access entry"). An unexplained symptom lists these (else the check's
   * title) as what was ruled out.
   */
  ruledOut?: string;
  /**
   * On a symptom: the explanation that remains when every check that could explain it ran and found
   * nothing; correlation appends it, with the list of what was ruled out, to the symptom's root cause.
   */
  whenUnexplained?: string;
}

/**
 * A number a check lets the user tune, declared by the check (as an ESLint rule declares its
 * meta.schema). Its name (the key in the check's `thresholds`) is the config file's key under
 * `thresholds:`; the --flag, the --help line, `eks-doctor list` and docs/checks.md derive from it.
 */
export interface Threshold {
  /** The flag of diagnose and demo, without the dashes: 'free-ip-threshold'. */
  flag: string;
  default: number;
  /** The smallest value accepted. */
  min: number;
  /** Whole numbers only. */
  integer: boolean;
  /** What the number bounds, for --help and the docs: 'Free addresses below which a subnet is reported'. */
  description: string;
}

/** Every check's thresholds by name, each with the check that declares it; two checks may not share a name or a flag. */
export function catalogueThresholds(diagnostics: readonly Pick<Diagnostic, 'id' | 'thresholds'>[]): Map<string, Threshold & { check: string }> {
  const byName = new Map<string, Threshold & { check: string }>();
  const flags = new Map<string, string>();
  for (const d of diagnostics) {
    for (const [name, threshold] of Object.entries(d.thresholds)) {
      const clash = byName.get(name)?.check ?? flags.get(threshold.flag);
      if (clash !== undefined) throw new Error(`checks ${clash} and ${d.id} both declare the threshold '${name}' or the flag --${threshold.flag}`);
      byName.set(name, { ...threshold, check: d.id });
      flags.set(threshold.flag, d.id);
    }
  }
  return byName;
}

/** Threshold values the user gave (flags or the config file), by threshold name; a check fills in its defaults. */
export type ThresholdValues = Readonly<Record<string, number>>;

/** What a check returns for one occurrence; the engine fills id, check, severity, key and links. */
export interface NewFinding<C extends string> {
  code: C;
  /** The main resource's id, used in the key. Defaults to the first resource's id. */
  keyResource?: string;
  /** Overrides the code's default severity (e.g. exhausted vs low). */
  severity?: Severity;
  title: string;
  rootCause: string;
  evidence: string[];
  resources: ResourceRef[];
  fix: Fix;
  /** Only for causes: which of the code's symptom kinds it explains, and for which resources. */
  canExplain?: ExplainScope[];
}

export interface CheckInput<T extends string = string> {
  snapshot: Snapshot;
  /** The check's own thresholds: the user's value, else the declared default. */
  options: Readonly<Record<T, number>>;
  /** The snapshot's capturedAt, as a Date. Time-dependent logic uses this, never the wall clock. */
  now: Date;
  /**
   * Says the verdict covers less than the parts suggest: data that is there but does not answer the
   * question (a metric with no datapoints, a default that is only a floor). The check is then
   * incomplete, as when a part it uses failed; `failedCalls` names the call whose answer fell short.
   */
  incomplete: (unseen: IncompletePart) => void;
}

export interface DiagnosticDefinition<C extends string, T extends string = never> {
  /** Stable check id, kebab-case. */
  id: string;
  title: string;
  description: string;
  docs: string[];
  /** Parts the check cannot run without: if one failed to collect, the check reports `error`. */
  needs: SnapshotPart[];
  /** Parts the check reads when present but can do without. */
  uses?: SnapshotPart[];
  /** What the check's verdict is about; default 'cluster'. See CheckSubject. */
  subject?: CheckSubject;
  codes: Record<C, FindingCode>;
  /** The numbers the user can tune, by name (the config file's key). */
  thresholds?: Record<T, Threshold>;
  check(input: CheckInput<T>): NewFinding<C>[];
}

/**
 * 'cluster': the check judges the cluster. 'eks-doctor-access': it judges eks-doctor's own access
 * (the API server could not be read); that diagnoses nothing, so for the exit code it does not
 * count as a check that ran unless it is all that was selected.
 */
export type CheckSubject = 'cluster' | 'eks-doctor-access';

export interface Diagnostic {
  id: string;
  title: string;
  description: string;
  docs: string[];
  needs: SnapshotPart[];
  uses: SnapshotPart[];
  subject: CheckSubject;
  codes: Record<string, FindingCode>;
  /** Symptom kinds any of this check's codes can explain. */
  explains: SymptomKind[];
  /** Symptom kinds this check reports. */
  symptoms: SymptomKind[];
  thresholds: Readonly<Record<string, Threshold>>;
  /**
   * `options` holds the user's threshold values of any check; the check takes its own and fills in its
   * defaults. `incomplete` receives what the check could not judge (ignored when not given).
   */
  check(input: { snapshot: Snapshot; options: ThresholdValues; now: Date; incomplete?: (unseen: IncompletePart) => void }): Finding[];
}

export function defineDiagnostic<C extends string, T extends string = never>(def: DiagnosticDefinition<C, T>): Diagnostic {
  const codes = def.codes as Record<string, FindingCode>;
  const explains = [...new Set(Object.values(codes).flatMap((c) => c.explains ?? []))];
  const symptoms = [...new Set(Object.values(codes).flatMap((c) => (c.symptom ? [c.symptom] : [])))];
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    docs: def.docs,
    needs: def.needs,
    uses: def.uses ?? [],
    subject: def.subject ?? 'cluster',
    codes,
    explains,
    symptoms,
    thresholds: def.thresholds ?? {},
    check(input) {
      const options = ownThresholds(def.thresholds, input.options);
      const incomplete = input.incomplete ?? (() => undefined);
      return withSnapshotIndexes(input.snapshot, () => def.check({ ...input, options, incomplete }).map((f) => materialize(def.id, codes, f)));
    },
  };
}

function ownThresholds<T extends string>(declared: Record<T, Threshold> | undefined, given: ThresholdValues): Record<T, number> {
  const values = {} as Record<T, number>;
  for (const [name, threshold] of Object.entries(declared ?? {}) as [T, Threshold][]) values[name] = given[name] ?? threshold.default;
  return values;
}

function materialize(checkId: string, codes: Record<string, FindingCode>, f: NewFinding<string>): Finding {
  const code = codes[f.code];
  if (!code) throw new Error(`check ${checkId} returned code '${f.code}' that is not in its catalogue`);
  const id = `${checkId}/${f.code}`;
  const keyResource = f.keyResource ?? f.resources[0]?.id ?? 'cluster';
  const canExplain = f.canExplain ?? (code.explains ?? []).map((symptom) => ({ symptom }));
  for (const scope of canExplain) {
    if (!code.explains?.includes(scope.symptom)) {
      throw new Error(`check ${checkId} code '${f.code}' claims to explain '${scope.symptom}' but its catalogue entry does not list it`);
    }
  }
  return {
    id,
    key: `${id}:${keyResource}`,
    check: checkId,
    severity: f.severity ?? code.severity,
    title: f.title,
    rootCause: f.rootCause,
    evidence: f.evidence,
    resources: f.resources,
    fix: f.fix,
    ...(code.symptom ? { symptom: code.symptom } : {}),
    ...(canExplain.length > 0 ? { canExplain } : {}),
    explains: [],
    explainedBy: [],
  };
}

/**
 * Thrown by a check that found, while running, that it needs a part it could do without in other
 * cases (aws-auth needs the ConfigMap only when the authentication mode reads it). The engine
 * reports the check as `error` with this reason, the same way as an unmet `needs`.
 */
export class CannotCheck extends Error {
  /** `failed`: the failed calls behind it, reported as the check's `failedCalls` (what to grant, or what went wrong). */
  constructor(
    readonly reason: string,
    readonly failed: readonly CollectionError[] = [],
  ) {
    super(reason);
    this.name = 'CannotCheck';
  }
}

/**
 * The failure that kept a part out of the snapshot, if one did. A check that can do without the
 * part uses it to word its evidence as unknown rather than as fact ("the instance's state is
 * unknown", not "the instance does not exist").
 */
export function partFailure(snapshot: Snapshot, part: SnapshotPart): CollectionError | undefined {
  return snapshot.errors.find((e) => e.part === part);
}

/** Returns the part's value, or throws CannotCheck saying why it is not there. */
export function requirePart<T>(snapshot: Snapshot, part: SnapshotPart, value: T | undefined): T {
  if (value !== undefined) return value;
  const error = snapshot.errors.find((e) => e.part === part);
  if (error) throw new CannotCheck(couldNotRead(part, error), snapshot.errors.filter((e) => e.part === part));
  if (partValue(snapshot, part) === undefined) throw new CannotCheck(`the snapshot holds no ${partLabel(part).replace(/^the /, '')}`);
  throw new CannotCheck(`${partLabel(part)} is missing`);
}
