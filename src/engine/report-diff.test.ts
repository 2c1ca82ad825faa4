import { describe, expect, it } from 'vitest';
import { finding, lowIps, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import { diffFindings } from './report-diff.js';

const keys = (findings: { key: string }[]) => findings.map((f) => f.key);
const pairKeys = (pairs: { after: { key: string } }[]) => pairs.map((p) => p.after.key);

describe('diffFindings', () => {
  it('reports findings gone as resolved and findings that appeared as new, by key', () => {
    const appeared = finding({ id: 'nodes/not-ready', severity: 'warning', title: 'Node ip-10-0-1-5 is NotReady', resources: [{ type: 'k8s:Node', id: 'ip-10-0-1-5' }] });
    const diff = diffFindings([rootCause, lowIps], [lowIps, appeared]);
    expect(keys(diff.resolved)).toEqual([rootCause.key]);
    expect(keys(diff.new)).toEqual([appeared.key]);
    expect(pairKeys(diff.unchanged)).toEqual([lowIps.key]);
  });

  it('treats the same key with a changed title as the same finding, unchanged', () => {
    const retitled = { ...lowIps, title: 'Subnet subnet-0123 has 1 free address' };
    const diff = diffFindings([lowIps], [retitled]);
    expect(diff).toMatchObject({ new: [], resolved: [], escalated: [], deEscalated: [] });
    expect(diff.unchanged).toEqual([{ before: lowIps, after: retitled }]);
  });

  it('compares severities of the same key: up is escalated, down de-escalated', () => {
    const worse = { ...oldAddon, severity: 'warning' as const };
    const milder = { ...lowIps, severity: 'info' as const };
    const diff = diffFindings([oldAddon, lowIps], [worse, milder]);
    expect(diff.escalated).toEqual([{ before: oldAddon, after: worse }]);
    expect(diff.deEscalated).toEqual([{ before: lowIps, after: milder }]);
    expect(diff.unchanged).toEqual([]);
  });

  it('compares only the checks a narrowed re-check ran', () => {
    const diff = diffFindings([rootCause, lowIps, oldAddon], [], { checks: ['subnets'] });
    expect(keys(diff.resolved)).toEqual([lowIps.key]);
    expect(diff.new).toEqual([]);
  });

  it('ignores suppressed findings on either side: a suppression resolves, an unsuppression is new', () => {
    const suppressed = { ...oldAddon, suppressed: { reason: 'known' } };
    expect(keys(diffFindings([oldAddon], [suppressed]).resolved)).toEqual([oldAddon.key]);
    expect(keys(diffFindings([suppressed], [oldAddon]).new)).toEqual([oldAddon.key]);
    expect(diffFindings([suppressed], [])).toMatchObject({ new: [], resolved: [] });
  });
});
