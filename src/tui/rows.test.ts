import { describe, expect, it } from 'vitest';
import { lowIps, makeReport, oldAddon, rootCause, symptomA, unexplainedSymptom } from '../../test/tui/report-fixture.js';
import { checksWithFindings, findingRows, listRows, NO_FILTER, type ListRow } from './rows.js';

const outline = (rows: ListRow[]) => rows.map((r) => (r.kind === 'finding' ? `  ${r.finding.key}` : r.kind === 'check' ? `  check ${r.check.id}` : r.text));

describe('listRows', () => {
  it('puts root causes first with their symptoms, then the rest grouped by severity, then checks that could not run', () => {
    const rows = listRows(makeReport(), NO_FILTER);
    expect(outline(rows)).toEqual([
      'ROOT CAUSES (1)',
      `  ${rootCause.key}`,
      'CRITICAL (1)',
      `  ${lowIps.key}`,
      'WARNING (1)',
      `  ${unexplainedSymptom.key}`,
      'INFO (1)',
      `  ${oldAddon.key}`,
      'CHECKS THAT COULD NOT RUN (1)',
      '  check lb-controller',
    ]);
    const cause = findingRows(rows)[0];
    expect(cause.symptoms?.map((s) => s.title)).toHaveLength(2);
  });

  it('leaves symptoms a root cause explains out of the top level: they are listed under their cause', () => {
    const keys = findingRows(listRows(makeReport(), NO_FILTER)).map((r) => r.finding.key);
    expect(keys).not.toContain(symptomA.key);
  });

  it('filters by severity', () => {
    const keys = findingRows(listRows(makeReport(), { query: '', severity: 'critical' })).map((r) => r.finding.key);
    expect(keys).toEqual([rootCause.key, lowIps.key]);
  });

  it('filtering by the check that saw a symptom still shows the root cause that explains it', () => {
    const keys = findingRows(listRows(makeReport(), { query: '', check: 'instances-joined' })).map((r) => r.finding.key);
    expect(keys).toEqual([rootCause.key]);
  });

  it('searches titles and resource ids and names, case-insensitively', () => {
    const search = (query: string) => findingRows(listRows(makeReport(), { query })).map((r) => r.finding.key);
    expect(search('VPC-CNI')).toEqual([oldAddon.key]);
    expect(search('private-a')).toEqual([lowIps.key]);
    expect(search('i-0bbb')).toEqual([rootCause.key]);
    expect(search('nothing like this')).toEqual([]);
  });

  it('drops the checks-that-could-not-run rows while a filter is on, since they match nothing', () => {
    const rows = listRows(makeReport(), { query: 'vpc' });
    expect(rows.some((r) => r.kind === 'check')).toBe(false);
  });

  it('never lists suppressed findings', () => {
    const report = makeReport([{ ...oldAddon, suppressed: { reason: 'accepted risk' } }]);
    expect(findingRows(listRows(report, NO_FILTER))).toEqual([]);
  });
});

describe('checksWithFindings', () => {
  it('lists each check with an active finding once, sorted', () => {
    expect(checksWithFindings(makeReport())).toEqual(['addons', 'aws-auth', 'instances-joined', 'load-balancers', 'subnets']);
  });
});
