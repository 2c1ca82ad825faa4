import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../engine/progress.js';
import { lowIps } from '../../test/tui/report-fixture.js';
import { applyProgressEvent, EMPTY_PROGRESS, progressCounts, visibleChecks } from './progress-state.js';

const replay = (events: ProgressEvent[]) => events.reduce(applyProgressEvent, EMPTY_PROGRESS);

describe('applyProgressEvent', () => {
  it('tracks each collection step from start to its result', () => {
    const progress = replay([
      { type: 'collect-start', step: 'eks:DescribeCluster' },
      { type: 'collect-start', step: 'Kubernetes nodes' },
      { type: 'collect-end', step: 'eks:DescribeCluster', durationMs: 120, ok: true },
      { type: 'collect-end', step: 'Kubernetes nodes', durationMs: 5000, ok: false, error: 'timeout' },
    ]);
    expect(progress.steps).toEqual([
      { name: 'eks:DescribeCluster', status: 'ok', durationMs: 120 },
      { name: 'Kubernetes nodes', status: 'failed', durationMs: 5000, error: 'timeout' },
    ]);
  });

  it('records a check as running, then its status and the findings it produced', () => {
    const started = replay([{ type: 'check-start', id: 'subnets', title: 'Subnets have free addresses' }]);
    expect(started.checks).toEqual([{ id: 'subnets', title: 'Subnets have free addresses', status: 'running', findings: [] }]);
    const ended = applyProgressEvent(started, {
      type: 'check-end',
      result: { id: 'subnets', title: 'Subnets have free addresses', status: 'fail', durationMs: 2, findings: 1 },
      findings: [lowIps],
    });
    expect(ended.checks).toHaveLength(1);
    expect(ended.checks[0]).toMatchObject({ status: 'fail', durationMs: 2, findings: [lowIps] });
    expect(progressCounts(ended)).toMatchObject({ checksDone: 1, checks: 1, findings: [lowIps] });
  });

  it('hides checks deselected with --only/--skip: they never ran', () => {
    const progress = replay([
      { type: 'check-end', result: { id: 'addons', title: 'Add-ons', status: 'skipped', durationMs: 0, reason: 'not selected (--only/--skip)', deselected: true, findings: 0 }, findings: [] },
    ]);
    expect(visibleChecks(progress)).toEqual([]);
  });
});
