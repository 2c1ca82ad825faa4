import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { frameWith, KEYS } from '../../test/tui/ink-helpers.js';
import { diagnoseSnapshot } from '../engine/diagnose.js';
import type { DiagnosisRunner } from '../engine/progress.js';
import { loadDiagnostics } from '../engine/registry.js';
import { App } from './App.js';
import { INITIAL_SESSION, sessionReducer } from './session.js';
import { timelineOf } from './timeline-entries.js';
import { INITIAL_UI, reduceKey, screenOf } from './ui-state.js';

const diagnostics = await loadDiagnostics();
const SIZE = { columns: 120, rows: 30 };

async function reportOf(name: string, changeHistory = true) {
  const snapshot = loadScenario(name);
  return diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt), ...(changeHistory ? {} : { changeHistory: false as const }) });
}

describe('the timeline (t)', () => {
  it('lists every change newest first, each with the findings it touches', async () => {
    const timeline = timelineOf(await reportOf('aws-auth-edited'))!;
    expect(timeline.entries.map((e) => e.when)).toEqual(['2026-11-20 02:37 UTC · 35 min before the diagnosis', '2026-11-20 00:07 UTC · 3 h 5 min before the diagnosis']);
    expect(timeline.entries[1]!.what).toBe('Update of ConfigMap kube-system/aws-auth by kubectl-edit');
    expect(timeline.entries[1]!.touches.map((t) => t.key)).toEqual(['aws-auth/node-role-not-mapped:arn:aws:iam::111122223333:role/eks/shop-prod-batch-node']);
  });

  it('t opens it, j moves, Enter opens the finding the change touches, t returns', async () => {
    const report = await reportOf('aws-auth-edited');
    const session = sessionReducer(sessionReducer(INITIAL_SESSION, { type: 'run-start' }), { type: 'run-end', report, at: new Date(report.generatedAt) });
    let ui = reduceKey(INITIAL_UI, session, SIZE, 't', {}).ui;
    expect(ui.view).toBe('timeline');
    ui = reduceKey(ui, session, SIZE, 'j', {}).ui;
    expect(ui.timelineIndex).toBe(1);
    expect(reduceKey(ui, session, SIZE, 'j', {}).ui.timelineIndex).toBe(1);
    const opened = reduceKey(ui, session, SIZE, '', { return: true }).ui;
    expect(opened.view).toBe('detail');
    expect(screenOf(opened, session, SIZE).current).toMatchObject({ kind: 'finding', finding: { id: 'aws-auth/node-role-not-mapped' } });
    expect(reduceKey(ui, session, SIZE, 't', {}).ui.view).toBe('list');
  });

  it('without a change history, t says why and stays', async () => {
    const report = await reportOf('aws-auth-edited', false);
    const session = sessionReducer(sessionReducer(INITIAL_SESSION, { type: 'run-start' }), { type: 'run-end', report, at: new Date(report.generatedAt) });
    const next = reduceKey(INITIAL_UI, session, SIZE, 't', {}).ui;
    expect(next.view).toBe('list');
    expect(next.message).toContain('No change history');
  });

  it('draws the timeline on t in the running UI, and the finding on Enter', async () => {
    const report = await reportOf('nat-gateway-deleted-by-ci');
    const runner: DiagnosisRunner = async () => report;
    const app = render(<App runner={runner} target="snapshot nat.json" size={SIZE} copy={() => undefined} onQuit={() => undefined} />);
    await frameWith(app, 'ROOT CAUSES');
    app.stdin.write('t');
    const frame = await frameWith(app, 'WHAT CHANGED BEFORE THE DIAGNOSIS (1)');
    expect(frame).toContain('▶ 2026-11-20 02:22 UTC · 50 min before the diagnosis');
    expect(frame).toContain('DeleteNatGateway nat-0f1e2d3c4b5a69788 by assumed-role/terraform-ci/gitlab-pipeline-48213 from 52.94.133.131');
    expect(frame).toContain('→ Default route of 3 node subnet(s) points at nat-0f1e2d3c4b5a69788, which is unusable');
    expect(frame).toContain('CloudTrail delivers events up to ~15 minutes late');
    app.stdin.write(KEYS.enter);
    const detail = await frameWith(app, 'Changed recently: DeleteNatGateway');
    expect(detail).not.toContain('WHAT CHANGED BEFORE THE DIAGNOSIS');
    app.unmount();
  });
});
