import { describe, expect, it } from 'vitest';
import { finding, lowIps, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import { diffFindings } from './diff.js';

describe('diffFindings', () => {
  it('reports findings gone as resolved and findings that appeared as new, by key', () => {
    const appeared = finding({ id: 'nodes/not-ready', severity: 'warning', title: 'Node ip-10-0-1-5 is NotReady', resources: [{ type: 'k8s:Node', id: 'ip-10-0-1-5' }] });
    const diff = diffFindings([rootCause, lowIps], [lowIps, appeared]);
    expect(diff.resolved.map((f) => f.key)).toEqual([rootCause.key]);
    expect(diff.added.map((f) => f.key)).toEqual([appeared.key]);
  });

  it('treats the same key with a changed title as the same finding', () => {
    const retitled = { ...lowIps, title: 'Subnet subnet-0123 has 1 free address' };
    expect(diffFindings([lowIps], [retitled])).toEqual({ resolved: [], added: [] });
  });

  it('compares only the checks a narrowed re-check ran', () => {
    const diff = diffFindings([rootCause, lowIps, oldAddon], [], ['subnets']);
    expect(diff.resolved.map((f) => f.key)).toEqual([lowIps.key]);
    expect(diff.added).toEqual([]);
  });

  it('ignores suppressed findings on either side', () => {
    const suppressed = { ...oldAddon, suppressed: { reason: 'known' } };
    expect(diffFindings([suppressed], [])).toEqual({ resolved: [], added: [] });
    expect(diffFindings([], [suppressed])).toEqual({ resolved: [], added: [] });
  });
});
