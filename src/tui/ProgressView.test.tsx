import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../engine/progress.js';
import { lowIps, oldAddon } from '../../test/tui/report-fixture.js';
import { applyProgressEvent, EMPTY_PROGRESS } from './progress-state.js';
import { ProgressView } from './ProgressView.js';
import { SPINNER_FRAMES } from './Spinner.js';

const replay = (events: ProgressEvent[]) => events.reduce(applyProgressEvent, EMPTY_PROGRESS);
const spinning = (line: string | undefined) => SPINNER_FRAMES.some((frame) => line?.includes(`${frame} `));

describe('ProgressView', () => {
  it('shows a spinner on what is running and the result and duration of what finished', () => {
    const progress = replay([
      { type: 'collect-start', step: 'eks:DescribeCluster' },
      { type: 'collect-end', step: 'eks:DescribeCluster', durationMs: 1500, ok: true },
      { type: 'collect-start', step: 'Kubernetes nodes' },
      { type: 'check-start', id: 'subnets', title: 'Subnets' },
      { type: 'check-end', result: { id: 'subnets', title: 'Subnets', status: 'fail', durationMs: 3, findings: 1 }, findings: [lowIps] },
      { type: 'check-start', id: 'lb-controller', title: 'LB controller' },
      { type: 'check-end', result: { id: 'lb-controller', title: 'LB controller', status: 'error', durationMs: 0, reason: 'could not read deployments: forbidden', findings: 0 }, findings: [] },
      { type: 'check-start', id: 'addons', title: 'Add-ons' },
    ]);
    const { lastFrame } = render(<ProgressView progress={progress} height={20} />);
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[0]).toBe('Diagnosing: collected 1/2 · checks 2/3 · 1 finding so far');
    expect(lines.find((l) => l.includes('eks:DescribeCluster'))).toBe('  ✓ collect eks:DescribeCluster 1.5s');
    const nodes = lines.find((l) => l.includes('Kubernetes nodes'));
    expect(spinning(nodes)).toBe(true);
    expect(nodes).toContain('reading…');
    expect(lines.find((l) => l.includes('check subnets'))).toBe('  ✗ check subnets 1 finding 3ms');
    expect(lines.find((l) => l.includes('lb-controller'))).toContain('! check lb-controller could not run: could not read deployments: forbidden');
    expect(spinning(lines.find((l) => l.includes('check addons')))).toBe(true);
  });

  it('shows findings as soon as the checks that produce them finish', () => {
    const progress = replay([
      { type: 'check-end', result: { id: 'subnets', title: 'Subnets', status: 'fail', durationMs: 3, findings: 1 }, findings: [lowIps] },
      { type: 'check-end', result: { id: 'addons', title: 'Add-ons', status: 'pass', durationMs: 1, findings: 1 }, findings: [oldAddon] },
    ]);
    const frame = render(<ProgressView progress={progress} height={20} />).lastFrame() ?? '';
    expect(frame).toContain('Found so far\n  critical Subnet subnet-0123 has 3 free addresses\n  info     Add-on vpc-cni');
  });

  it('in a short terminal folds finished entries and keeps what is running in view', () => {
    const events: ProgressEvent[] = [];
    for (let i = 0; i < 20; i += 1) {
      events.push({ type: 'check-start', id: `check-${i}`, title: `Check ${i}` });
      events.push({ type: 'check-end', result: { id: `check-${i}`, title: `Check ${i}`, status: 'pass', durationMs: 1, findings: 0 }, findings: [] });
    }
    events.push({ type: 'check-start', id: 'still-running', title: 'Still running' });
    const frame = render(<ProgressView progress={replay(events)} height={6} />).lastFrame() ?? '';
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(frame).toContain('… 17 finished (not shown)');
    expect(frame).toContain('check still-running');
  });

  it('never outgrows its height, even when dozens of calls run at once (a live collection)', () => {
    const events: ProgressEvent[] = [];
    for (let i = 0; i < 40; i += 1) events.push({ type: 'collect-start', step: `ec2:Describe${i}` });
    events.push({ type: 'collect-end', step: 'ec2:Describe0', durationMs: 5, ok: true });
    const frame = render(<ProgressView progress={replay(events)} height={10} />).lastFrame() ?? '';
    const lines = frame.split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[1]).toBe('  … 1 finished, 31 more running (not shown)');
    expect(lines[2]).toContain('collect ec2:Describe1 reading…');
    expect(lines[9]).toContain('collect ec2:Describe8 reading…');
  });

  it('while collecting, no "checks 0/0": how many reads are done, and that the checks follow', () => {
    const progress = replay([
      { type: 'collect-start', step: 'eks:DescribeCluster' },
      { type: 'collect-end', step: 'eks:DescribeCluster', durationMs: 120, ok: true },
      { type: 'collect-start', step: 'Kubernetes API server' },
    ]);
    const frame = render(<ProgressView progress={progress} height={20} />).lastFrame() ?? '';
    expect(frame.split('\n')[0]).toBe('Diagnosing: collecting: 1 of 2 reads done · the checks run once the data is in');
    expect(frame).not.toContain('0/0');
  });

  it('says what is being waited for, for how long, and when it gives up', () => {
    const progress = [
      { type: 'collect-start' as const, step: 'eks:DescribeCluster' },
      { type: 'collect-end' as const, step: 'eks:DescribeCluster', durationMs: 120, ok: true },
      { type: 'collect-start' as const, step: 'Kubernetes API server' },
    ].reduce((p, e, i) => applyProgressEvent(p, e, 1_000 + i), EMPTY_PROGRESS);
    const frame = render(<ProgressView progress={progress} height={20} now={6_002} limits={{ callTimeoutMs: 15_000, timeoutSeconds: 120 }} />).lastFrame() ?? '';
    expect(frame).toContain('collect Kubernetes API server waiting 5s, gives up in 10s');
  });
});
