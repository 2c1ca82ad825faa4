import type { SymptomKind } from './symptoms.js';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * A resource involved in a finding, spelled exactly as AWS or Kubernetes spell it.
 * `type` is 'aws:<service>:<kind>' or 'k8s:<Kind>'; `id` is the ARN, the AWS ID, or for
 * Kubernetes `<namespace>/<name>` (namespaced) or `<name>` (cluster-scoped).
 */
export interface ResourceRef {
  type: string;
  id: string;
  /** A human name when the id is opaque (a Name tag, a node group name). */
  name?: string;
}

/** One way to fix a finding: what it does, and its steps in order (each after the one before). */
export interface FixWay {
  summary: string;
  /** Ready-to-run commands with the real names filled in. Never run by eks-doctor. */
  commands: string[];
}

/**
 * The recommended way (`summary`, `commands`: its ordered steps) and, when there is more than one
 * way to the same end, the others in `alternatives`: each complete on its own, so a reader runs
 * the steps of one way and never those of two.
 */
export interface Fix extends FixWay {
  alternatives?: FixWay[];
  docs: string[];
}

/** Every way of a fix, the recommended one first: renderers show them one at a time, joined by "or". */
export function fixWays(fix: Fix): FixWay[] {
  return [{ summary: fix.summary, commands: fix.commands }, ...(fix.alternatives ?? [])];
}

/** The commands of every way, one list (the interactive UI selects among them by index). */
export function allFixCommands(fix: Fix): string[] {
  return fixWays(fix).flatMap((w) => w.commands);
}

/** The way that holds command `index` of allFixCommands: printing a fix prints that way's steps only. */
export function fixWayOfCommand(fix: Fix, index: number): FixWay {
  const ways = fixWays(fix);
  let start = 0;
  for (const way of ways) {
    if (index < start + way.commands.length) return way;
    start += way.commands.length;
  }
  return ways[0]!;
}

/** Which symptoms a cause finding explains: all of a kind, or only those sharing a resource. */
export interface ExplainScope {
  symptom: SymptomKind;
  /** When given, only symptoms that list one of these resources (same id; see resources.ts). */
  resources?: ResourceRef[];
}

/** What a symptom with no cause found tells the engineer. */
export interface Unexplained {
  /** Checks that could explain this symptom, ran, and found nothing. */
  ruledOut: string[];
  /** Checks that could explain this symptom but could not run, with why. */
  couldNotCheck: { check: string; reason: string }[];
}

export interface Finding {
  /** Stable code from the catalogue: '<check>/<code>'. Scripts and suppressions rely on it. */
  id: string;
  /** Unique per occurrence, stable across runs: '<id>:<main resource id>'. */
  key: string;
  check: string;
  severity: Severity;
  title: string;
  rootCause: string;
  evidence: string[];
  resources: ResourceRef[];
  fix: Fix;
  /** Set on symptom findings. */
  symptom?: SymptomKind;
  /** Set on cause findings: what they can explain. Correlation turns matches into `explains`. */
  canExplain?: ExplainScope[];
  /** Keys of the symptom findings this finding explains (filled by correlation). */
  explains: string[];
  /** Keys of the cause findings that explain this one (filled by correlation). */
  explainedBy: string[];
  /** Set on a symptom finding when no cause was found. */
  unexplained?: Unexplained;
  /** Set when a suppression in the config file silences this finding. */
  suppressed?: { reason: string; expires?: string };
}

/**
 * Whether a finding fails its check: at warning or above and not suppressed. Info findings are
 * notes; a suppressed finding stays in the report but no longer counts. The one rule the runner
 * (check status) and the suppressions (a check whose failing findings are all silenced passes) share.
 */
export function isFailing(finding: Pick<Finding, 'severity' | 'suppressed'>): boolean {
  return !finding.suppressed && finding.severity !== 'info';
}

/** What names a finding wherever it is passed on (webhooks, MCP answers): its identity, weight and title. */
export type FindingHeadline = Pick<Finding, 'key' | 'id' | 'check' | 'severity' | 'title' | 'rootCause'>;

export function findingHeadline(f: Finding): FindingHeadline {
  return { key: f.key, id: f.id, check: f.check, severity: f.severity, title: f.title, rootCause: f.rootCause };
}
