import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { DiagnosisRunner, ProgressEvent } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import { frameWhere, frameWith, frameWithout, KEYS, press } from '../../test/tui/ink-helpers.js';
import { ALL_FINDINGS, finding, LONG_FIX_COMMAND, lowIps, makeReport, narrowedReport, oldAddon, rootCause, symptomA, symptomB } from '../../test/tui/report-fixture.js';
import { App, type QuitOutcome } from './App.js';

/** A runner that hands out the given reports in turn (the last one again when they run out). */
function scriptedRunner(reports: Report[], events: ProgressEvent[] = []) {
  const calls: { only?: string[] }[] = [];
  const runner: DiagnosisRunner = async ({ onEvent, only }) => {
    calls.push(only ? { only } : {});
    for (const e of events) onEvent?.(e);
    return reports[Math.min(calls.length - 1, reports.length - 1)];
  };
  return { runner, calls };
}

function start(runner: DiagnosisRunner, size = { columns: 100, rows: 30 }, watchSeconds?: number) {
  const copied: string[] = [];
  const quits: QuitOutcome[] = [];
  const instance = render(
    <App
      runner={runner}
      target="snapshot demo.json"
      size={size}
      {...(watchSeconds ? { watchSeconds } : {})}
      copy={(text) => copied.push(text)}
      onQuit={(outcome) => quits.push(outcome)}
    />,
  );
  return { ...instance, copied, quits };
}

/** The app on the demo report, once its list shows the root cause. */
async function startOnList(): Promise<ReturnType<typeof start>> {
  const app = start(scriptedRunner([makeReport()]).runner);
  await frameWith(app, 'ROOT CAUSES (1)');
  return app;
}

const fixed = makeReport(ALL_FINDINGS.filter((f) => ![rootCause.key, symptomA.key, symptomB.key].includes(f.key)));

describe('App', () => {
  it('shows live progress while the diagnosis runs, then the root cause at the top', async () => {
    let finish: (report: Report) => void = () => {};
    const runner: DiagnosisRunner = ({ onEvent }) =>
      new Promise((resolve) => {
        onEvent?.({ type: 'collect-start', step: 'snapshot demo.json' });
        onEvent?.({ type: 'collect-end', step: 'snapshot demo.json', durationMs: 2, ok: true });
        onEvent?.({ type: 'check-start', id: 'subnets', title: 'Subnets' });
        onEvent?.({ type: 'check-end', result: { id: 'subnets', title: 'Subnets', status: 'fail', durationMs: 1, findings: 1 }, findings: [lowIps] });
        onEvent?.({ type: 'check-start', id: 'aws-auth', title: 'aws-auth' });
        finish = resolve;
      });
    const app = start(runner);
    const progress = await frameWith(app, 'check aws-auth checking…');
    expect(progress).toContain('eks-doctor · snapshot demo.json');
    expect(progress).toContain('✓ collect snapshot demo.json');
    expect(progress).toContain('Found so far\n  critical Subnet subnet-0123 has 3 free addresses');
    finish(makeReport());
    const results = await frameWith(app, 'ROOT CAUSES (1)');
    const lines = results.split('\n');
    expect(lines[0]).toContain('cluster demo-cluster');
    expect(lines.findIndex((l) => l.startsWith('ROOT CAUSES'))).toBe(4);
    expect(lines[5]).toMatch(/^› critical Node role demo-node-role is not mapped in aws-auth\s+explains 2 symptoms$/);
  });

  it('moves with arrows and j/k, opens a finding with Enter and goes back with Esc', async () => {
    const app = start(scriptedRunner([makeReport()]).runner);
    await frameWith(app, '› critical Node role');
    await press(app, 'j');
    await frameWith(app, '› critical Subnet subnet-0123');
    await press(app, KEYS.down);
    await frameWith(app, '› warning  Service shop/frontend');
    await press(app, 'k');
    await press(app, KEYS.up);
    await frameWith(app, '› critical Node role');
    await press(app, KEYS.enter);
    const detail = await frameWith(app, 'ROOT CAUSE');
    expect(detail).toContain('EVIDENCE');
    expect(detail).toContain('EXPLAINS 2 SYMPTOMS');
    expect(detail).toContain('Esc back');
    await press(app, KEYS.escape);
    await frameWith(app, 'ROOT CAUSES (1)');
  });

  it('opens the search with its term when "/" and the term arrive in one chunk (a slow link, a paste)', async () => {
    const app = await startOnList();
    await press(app, '/private-a');
    const typing = await frameWith(app, 'Search titles and resources: /private-a');
    expect(typing).toContain('› critical Subnet subnet-0123');
    expect(typing).not.toContain('Node role');
  });

  it('filters by severity with s and by check with f, and Esc clears the filter', async () => {
    const app = await startOnList();
    await press(app, 's');
    const critical = await frameWith(app, 'Filter: severity critical');
    expect(critical).not.toContain('vpc-cni');
    expect(critical).toContain('Subnet subnet-0123');
    await press(app, 's');
    const warnings = await frameWith(app, 'Filter: severity warning');
    expect(warnings).toContain('shop/frontend');
    expect(warnings).not.toContain('Subnet subnet-0123');
    await press(app, KEYS.escape);
    await frameWithout(app, 'Filter:');
    await press(app, 'f'); // addons, the first check with findings
    const byCheck = await frameWith(app, 'Filter: check addons');
    expect(byCheck).toContain('vpc-cni');
    expect(byCheck).not.toContain('Node role');
  });

  it('searches titles and resources with /', async () => {
    const app = await startOnList();
    await press(app, '/');
    for (const ch of 'private-a') await press(app, ch);
    const typing = await frameWith(app, 'Search titles and resources: /private-a');
    expect(typing).toContain('› critical Subnet subnet-0123');
    expect(typing).not.toContain('Node role');
    await press(app, KEYS.enter);
    await frameWith(app, 'Filter: search "private-a"');
    // Keys work again once the search is kept: j does not type.
    await press(app, KEYS.escape);
    await frameWith(app, 'ROOT CAUSES (1)');
  });

  it('r re-checks and shows what was resolved, by key, and what is new', async () => {
    const appeared = finding({ id: 'nodes/not-ready', severity: 'warning', title: 'Node ip-10-0-1-5 is NotReady', resources: [{ type: 'k8s:Node', id: 'ip-10-0-1-5' }] });
    const after = makeReport([...fixed.findings, appeared]);
    const { runner, calls } = scriptedRunner([makeReport(), after]);
    const app = start(runner);
    await frameWith(app, 'ROOT CAUSES (1)');
    await press(app, 'r');
    const frame = await frameWith(app, '3 resolved, 1 new');
    expect(frame).toContain(`✓ resolved critical ${rootCause.title}`);
    expect(frame).toMatch(/Node ip-10-0-1-5 is NotReady\s+NEW/);
    expect(frame).not.toContain('ROOT CAUSES');
    expect(calls).toEqual([{}, {}]);
  });

  it("R re-checks only the selected finding's check", async () => {
    const { runner, calls } = scriptedRunner([makeReport(), makeReport([])]);
    const app = start(runner);
    await frameWith(app, 'ROOT CAUSES (1)');
    // Typed faster than a render: R must act on the row j moved to.
    app.stdin.write('j');
    app.stdin.write('R');
    await frameWith(app, 'Re-checked check subnets');
    expect(calls[1]).toEqual({ only: ['subnets'] });
  });

  it('after R, a partial view says so, keeps the root cause under ROOT CAUSES, and Esc shows the full view', async () => {
    const { runner } = scriptedRunner([makeReport(), narrowedReport('aws-auth', [])]);
    const app = start(runner);
    await frameWith(app, 'ROOT CAUSES (1)');
    await press(app, 'R');
    const partial = await frameWith(app, 'PARTIAL VIEW: only aws-auth re-checked');
    expect(partial).toContain('Esc full view');
    expect(partial).toContain('r re-check all');
    expect(partial).toMatch(/ROOT CAUSES \(1\)\n› critical Node role demo-node-role is not mapped in aws-auth {2}resolved · explains 2 symptoms/);
    await press(app, KEYS.escape);
    const full = await frameWithout(app, 'PARTIAL');
    expect(full).toContain('(the last full run; r re-checks all)');
    expect(full).toContain('ROOT CAUSES (1)');
  });

  it('a check that could not run opens like a finding, with its full reason', async () => {
    const app = start(scriptedRunner([makeReport()]).runner, { columns: 80, rows: 24 });
    await frameWith(app, 'ROOT CAUSES (1)');
    await press(app, 'G');
    await frameWith(app, '› error    lb-controller');
    await press(app, KEYS.enter);
    const detail = await frameWith(app, 'TO LET IT RUN');
    expect(detail).toContain('could not read deployments: forbidden');
  });

  it('c copies the fix command whole; in a finding Tab selects the next one', async () => {
    const app = await startOnList();
    await press(app, 'c');
    await frameWith(app, 'Copied');
    expect(app.copied).toEqual([LONG_FIX_COMMAND]);
    await press(app, KEYS.enter);
    await frameWith(app, 'ROOT CAUSE');
    await press(app, KEYS.tab);
    await frameWith(app, '▶ $ aws eks create-access-entry');
    await press(app, 'c');
    expect(app.copied[1]).toBe(rootCause.fix.alternatives![0]!.commands[0]);
  });

  it('in a finding, p prints the steps of the way the selected command belongs to, never of two ways', async () => {
    const app = await startOnList();
    await press(app, KEYS.enter);
    await frameWith(app, 'OR');
    await press(app, KEYS.tab);
    await frameWith(app, '▶ $ aws eks create-access-entry');
    await press(app, 'p');
    expect(app.quits[0]!.print).toEqual(rootCause.fix.alternatives![0]!.commands);
  });

  it('q quits and hands over the report that earns the exit code', async () => {
    const report = makeReport();
    const app = start(scriptedRunner([report]).runner);
    await frameWith(app, 'ROOT CAUSES (1)');
    await press(app, 'q');
    expect(app.quits).toEqual([{ fullReport: report, print: [] }]);
  });

  it('p quits printing the selected finding’s fix commands; P prints those of every listed finding', async () => {
    const one = await startOnList();
    await press(one, 'p');
    expect(one.quits[0].print).toEqual(rootCause.fix.commands);

    const all = await startOnList();
    await press(all, 'P');
    expect(all.quits[0].print).toEqual([...rootCause.fix.commands, ...lowIps.fix.commands]);
  });

  it('? shows the keys and closes again', async () => {
    const app = await startOnList();
    await press(app, '?');
    await frameWith(app, 'KEYS');
    await press(app, '?');
    await frameWith(app, 'ROOT CAUSES (1)');
  });

  it('fits 80x24 and 120x40: no line wider than the terminal, no more lines than rows', async () => {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 120, rows: 40 },
    ]) {
      const app = start(scriptedRunner([makeReport(), fixed]).runner, size);
      const fits = (frame: string) => {
        const lines = frame.split('\n');
        return lines.length <= size.rows - 1 && lines.every((l) => l.length <= size.columns);
      };
      expect(fits(await frameWith(app, 'ROOT CAUSES (1)'))).toBe(true);
      await press(app, KEYS.enter);
      expect(fits(await frameWith(app, 'EVIDENCE'))).toBe(true);
      await press(app, 'G');
      expect(fits(await frameWith(app, 'key aws-auth/node-role-not-mapped'))).toBe(true);
      await press(app, 'r');
      expect(fits(await frameWith(app, 'resolved'))).toBe(true);
      app.unmount();
    }
  });

  it('fits 80x24 while a live collection has dozens of calls in flight', async () => {
    const runner: DiagnosisRunner = ({ onEvent }) => {
      for (let i = 0; i < 40; i += 1) onEvent?.({ type: 'collect-start', step: `ec2:Describe${i}` });
      return new Promise<Report>(() => {});
    };
    const app = start(runner, { columns: 80, rows: 24 });
    const frame = await frameWith(app, 'more running');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    // Every line is whole: none was squeezed into another by the layout.
    expect(lines.filter((l) => l.includes('collect ec2:Describe')).every((l) => /^ {2}\S collect ec2:Describe\d+ reading…$/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^↑↓\/jk move/);
    app.unmount();
  });

  it('--watch re-checks on a timer without a key press', async () => {
    const { runner, calls } = scriptedRunner([makeReport(), fixed]);
    const app = start(runner, undefined, 0.05);
    await frameWith(app, '3 resolved, 0 new');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    app.unmount();
  });

  it('says so when the diagnosis fails, and r tries again', async () => {
    const runner = vi.fn<DiagnosisRunner>().mockRejectedValueOnce(new Error('snapshot file demo.json does not exist')).mockResolvedValue(makeReport());
    const app = start(runner);
    await frameWith(app, 'The diagnosis failed: snapshot file demo.json does not exist');
    await press(app, 'r');
    await frameWhere(app, (f) => f.includes('ROOT CAUSES (1)'), 'the report after retrying');
  });

  it('q before the first report quits without one', async () => {
    const app = start(() => new Promise<Report>(() => {}));
    await frameWith(app, 'Diagnosing');
    await press(app, 'q');
    expect(app.quits).toEqual([{ print: [] }]);
  });

  it('keeps showing a finding resolved while it was open, and says so', async () => {
    const app = start(scriptedRunner([makeReport(), fixed]).runner);
    await frameWith(app, 'ROOT CAUSES (1)');
    await press(app, KEYS.enter);
    await frameWith(app, 'ROOT CAUSE');
    await press(app, 'r');
    const frame = await frameWith(app, 'RESOLVED at the last re-check');
    expect(frame).toContain('Node role demo-node-role is not mapped');
    void oldAddon;
  });
});
