/**
 * Table-driven tests for one diagnostic, in the spirit of ESLint's RuleTester: healthy snapshots
 * must produce no finding (or only the info findings listed), and each broken snapshot must
 * produce exactly the expected finding ids, on the expected resources.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic, ThresholdValues } from '../../src/engine/diagnostic.js';
import type { Finding, Severity } from '../../src/engine/finding.js';
import { missingNeeds } from '../../src/engine/run-checks.js';
import { healthCodeToFindingCode } from '../../diagnostics/lib/health-codes.js';
import type { CollectionError, Snapshot } from '../../src/snapshot/types.js';
import { buildBaseline } from '../../mocks/scenario-builder/baseline.js';

export interface ExpectedFinding {
  /** Full finding id, '<check>/<code>'. */
  id: string;
  /** The id of a resource the finding must name (ARN, AWS ID, Kubernetes name). */
  resource?: string;
  severity?: Severity;
  /** Substring the title or root cause must contain. */
  mentions?: string;
  /** Symptom kinds this finding must be able to explain (for causes). */
  canExplain?: string[];
}

export interface BrokenCase {
  name: string;
  snapshot: Snapshot;
  expect: ExpectedFinding[];
  options?: ThresholdValues;
  /** When true, findings beyond `expect` are allowed. Default false: the ids must match exactly. */
  allowOtherFindings?: boolean;
}

export interface HealthyCase {
  name: string;
  snapshot: Snapshot;
  options?: ThresholdValues;
  /** Info findings a healthy cluster may legitimately get (e.g. egress that cannot be verified). */
  allowInfo?: string[];
}

export interface ErrorCase {
  name: string;
  snapshot: Snapshot;
  /** Substring the reason must contain. */
  reason: string;
}

export function runDiagnostic(diagnostic: Diagnostic, snapshot: Snapshot, options: ThresholdValues = {}): Finding[] {
  return diagnostic.check({ snapshot, options, now: new Date(snapshot.capturedAt) });
}

export function describeDiagnostic(diagnostic: Diagnostic, cases: { healthy: HealthyCase[]; broken: BrokenCase[]; errors?: ErrorCase[] }): void {
  describe(`diagnostic ${diagnostic.id}`, () => {
    it('declares its metadata', () => {
      expect(diagnostic.title.length).toBeGreaterThan(0);
      expect(diagnostic.description.length).toBeGreaterThan(0);
      expect(diagnostic.docs.length).toBeGreaterThan(0);
      for (const d of diagnostic.docs) expect(d).toMatch(/^https:\/\//);
      expect(Object.keys(diagnostic.codes).length).toBeGreaterThan(0);
    });

    for (const c of cases.healthy) {
      it(`healthy: ${c.name}`, () => {
        const findings = runDiagnostic(diagnostic, c.snapshot, c.options);
        const unexpected = findings.filter((f) => !(f.severity === 'info' && c.allowInfo?.includes(f.id)));
        expect(unexpected.map((f) => `${f.id} ${f.title}`)).toEqual([]);
      });
    }

    for (const c of cases.broken) {
      it(`broken: ${c.name}`, () => {
        const findings = runDiagnostic(diagnostic, c.snapshot, c.options);
        for (const e of c.expect) {
          const matching = findings.filter((f) => f.id === e.id && (!e.resource || f.resources.some((r) => r.id === e.resource)));
          expect(matching.map((f) => f.id), `expected ${e.id}${e.resource ? ` on ${e.resource}` : ''}; got ${findings.map((f) => `${f.id} [${f.resources.map((r) => r.id).join(', ')}]`).join('; ') || 'nothing'}`).not.toEqual([]);
          const f = matching[0]!;
          if (e.severity) expect(f.severity).toBe(e.severity);
          if (e.mentions) expect(`${f.title} ${f.rootCause}`).toContain(e.mentions);
          if (e.canExplain) expect(f.canExplain?.map((s) => s.symptom)).toEqual(expect.arrayContaining(e.canExplain));
          // Every finding must tell the engineer what to do.
          expect(f.fix.summary.length).toBeGreaterThan(0);
          expect(f.evidence.length).toBeGreaterThan(0);
        }
        if (!c.allowOtherFindings) {
          expect([...new Set(findings.map((f) => f.id))].sort()).toEqual([...new Set(c.expect.map((e) => e.id))].sort());
        }
        expect(new Set(findings.map((f) => f.key)).size, 'finding keys must be unique').toBe(findings.length);
      });
    }

    for (const c of cases.errors ?? []) {
      it(`cannot check: ${c.name}`, () => {
        const missing = missingNeeds(c.snapshot, diagnostic.needs);
        expect(missing?.status).toBe('error');
        expect(missing?.reason).toContain(c.reason);
      });
    }
  });
}

/** A private copy of the baseline (or of `base`), edited by `edit`. */
export function mutate(edit: (s: Snapshot) => void, base: Snapshot = buildBaseline()): Snapshot {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

/**
 * An error case: the baseline as a collection leaves it when `error` cost its part: the part absent
 * and the failure recorded. `reason` is what the check's could-not-run reason must contain.
 */
export function failedPart(name: string, error: CollectionError, reason: string): ErrorCase {
  const [section, key] = error.part.split('.') as ['aws' | 'kubernetes', string];
  return {
    name,
    snapshot: mutate((s) => {
      delete (s[section] as Record<string, unknown>)[key];
      s.errors.push(error);
    }),
    reason,
  };
}

/**
 * The catalogue of a health check (cluster-health, nodegroup-health, addon-health): every issue
 * code of the EKS enum (as the SDK ships it) is decoded, and each gives its own title, cause and fix,
 * with commands that name the real resources and documentation on docs.aws.amazon.com.
 */
export function describeHealthCatalogue(o: {
  diagnostic: Diagnostic;
  entries: Record<string, unknown>;
  /** The SDK's enum object (ClusterIssueCode, NodegroupIssueCode, AddonIssueCode). */
  sdkCodes: Record<string, string>;
  /** How many codes the enum has today, so a shrinking list fails too. */
  count: number;
  withIssue: (code: string) => Snapshot;
  symptom: string;
  /** What must differ from code to code in the fix; the summary unless some summaries are shared. */
  fixKey?: (f: Finding) => string;
}): void {
  const fixKey = o.fixKey ?? ((f: Finding) => f.fix.summary);
  describe(`${o.diagnostic.id} catalogue`, () => {
    it(`decodes every issue code of the EKS API (${o.count})`, () => {
      expect(Object.keys(o.entries).sort()).toEqual(Object.values(o.sdkCodes).sort());
      expect(Object.keys(o.entries)).toHaveLength(o.count);
    });

    it('gives every code its own title, cause and fix, with the real names filled in', () => {
      const seen = { titles: new Set<string>(), causes: new Set<string>(), fixes: new Set<string>() };
      for (const code of Object.keys(o.entries)) {
        const [f] = runDiagnostic(o.diagnostic, o.withIssue(code)).filter((x) => x.id === `${o.diagnostic.id}/${healthCodeToFindingCode(code)}`);
        expect(f, code).toBeDefined();
        seen.titles.add(f!.title);
        seen.causes.add(f!.rootCause);
        seen.fixes.add(fixKey(f!));
        expect(f!.fix.commands.length, `${code} has commands`).toBeGreaterThan(0);
        for (const c of f!.fix.commands) expect(c, `${code}: ${c}`).not.toMatch(/<cluster|<nodegroup|<addon|<region|my-cluster/);
        expect(f!.fix.docs.every((d) => d.startsWith('https://docs.aws.amazon.com/')), code).toBe(true);
        expect(f!.symptom).toBe(o.symptom);
      }
      const n = Object.keys(o.entries).length;
      expect(seen.titles.size).toBe(n);
      expect(seen.causes.size).toBe(n);
      expect(seen.fixes.size).toBe(n);
    });
  });
}

/**
 * A health check's broken cases: each issue code of its catalogue decoded into its own finding on
 * `resource`, and a code newer than the catalogue (`newerCode`) reported as unrecognised, by name.
 */
export function healthIssueCases(checkId: string, entries: Record<string, unknown>, withIssue: (code: string) => Snapshot, resource: string, newerCode: string): BrokenCase[] {
  return [
    ...Object.keys(entries).map((code) => ({
      name: `health issue ${code}`,
      snapshot: withIssue(code),
      expect: [{ id: `${checkId}/${healthCodeToFindingCode(code)}`, resource, mentions: code }],
    })),
    {
      name: 'a code newer than this version',
      snapshot: withIssue(newerCode),
      expect: [{ id: `${checkId}/unrecognised-issue`, resource, severity: 'warning', mentions: newerCode }],
    },
  ];
}
