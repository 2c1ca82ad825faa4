import { describe, expect, it } from 'vitest';
import { makeReport } from '../../test/tui/report-fixture.js';
import { fittedSummary } from './fit-text.js';

describe('fittedSummary', () => {
  const report = makeReport();

  it('is the plain reports’ summary line when it fits', () => {
    expect(fittedSummary(report, 200)).toBe('1 root cause explaining 2 symptoms, 1 symptom without a found cause, 2 other findings (6 findings: 2 critical, 3 warning, 1 info); checks: 1 passed, 4 failed, 1 could not run, 0 skipped');
  });

  it('at every width from 60 columns up, fits and keeps how counts relate to rows and the checks that could not run', () => {
    for (let width = 60; width <= 200; width += 1) {
      const line = fittedSummary(report, width);
      expect(line.length, `at ${width}`).toBeLessThanOrEqual(width);
      expect(line, `at ${width}`).toMatch(/^1 (root )?cause/);
      expect(line, `at ${width}`).toMatch(/2 symptoms/);
      expect(line, `at ${width}`).toMatch(/1 (could )?not run/);
    }
  });
});
