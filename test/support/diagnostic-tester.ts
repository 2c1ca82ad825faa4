/**
 * Table-driven tests for one diagnostic, in the spirit of ESLint's RuleTester: healthy snapshots
 * must produce no finding (or only the info findings listed), and each broken snapshot must
 * produce exactly the expected finding ids, on the expected resources.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECK_OPTIONS, type CheckOptions, type Diagnostic } from '../../src/engine/diagnostic.js';
import type { Finding, Severity } from '../../src/engine/finding.js';
import { missingNeeds } from '../../src/engine/run-checks.js';
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
  options?: Partial<CheckOptions>;
  /** When true, findings beyond `expect` are allowed. Default false: the ids must match exactly. */
  allowOtherFindings?: boolean;
}

export interface HealthyCase {
  name: string;
  snapshot: Snapshot;
  options?: Partial<CheckOptions>;
  /** Info findings a healthy cluster may legitimately get (e.g. egress that cannot be verified). */
  allowInfo?: string[];
}

export interface ErrorCase {
  name: string;
  snapshot: Snapshot;
  /** Substring the reason must contain. */
  reason: string;
}

export function runDiagnostic(diagnostic: Diagnostic, snapshot: Snapshot, options: Partial<CheckOptions> = {}): Finding[] {
  return diagnostic.check({ snapshot, options: { ...DEFAULT_CHECK_OPTIONS, ...options }, now: new Date(snapshot.capturedAt) });
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
