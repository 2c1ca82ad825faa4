import { describe, expect, it } from 'vitest';
import { defineDiagnostic } from '../../src/engine/diagnostic.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { memoised, withSnapshotIndexes } from '../../src/engine/snapshot-memo.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import { buildBaseline } from '../../mocks/scenario-builder/baseline.js';

describe('per-snapshot indexes', () => {
  it('builds an index once per run, shared by every check of the run, and again for the next run', async () => {
    const s = buildBaseline();
    let builds = 0;
    const codes = { seen: { severity: 'info' as const, title: 't', description: 'd' } };
    const reader = (id: string) =>
      defineDiagnostic({
        id, title: id, description: 'd', docs: ['https://x'], needs: [], codes,
        check: ({ snapshot }) => {
          memoised(snapshot, 'test/count', () => ++builds);
          return [];
        },
      });
    await runChecks(s, [reader('a'), reader('b'), reader('c')], {});
    expect(builds).toBe(1);
    await runChecks(s, [reader('a'), reader('b')], {});
    expect(builds).toBe(2);
  });

  it('keeps nothing outside a run: each call builds afresh', () => {
    const s = buildBaseline();
    let builds = 0;
    memoised(s, 'test/count', () => ++builds);
    memoised(s, 'test/count', () => ++builds);
    expect(builds).toBe(2);
    withSnapshotIndexes(s, () => {
      memoised(s, 'test/count', () => ++builds);
      withSnapshotIndexes(s, () => memoised(s, 'test/count', () => ++builds));
      memoised(s, 'test/count', () => ++builds);
    });
    expect(builds).toBe(3);
    memoised(s, 'test/count', () => ++builds);
    expect(builds).toBe(4);
  });

  it('sees a snapshot edited between runs: no index outlives the run it was built for', async () => {
    const s = buildBaseline();
    const diagnostics = await loadDiagnostics();
    const first = await diagnoseSnapshot(s, { diagnostics, toolVersion: 'test' });
    expect(first.findings.filter((f) => f.id === 'subnets/subnet-exhausted')).toEqual([]);
    // Replace the subnet list (an index of the old one would still say the subnet has room).
    const nodeSubnet = s.aws.reservations![0]!.Instances![0]!.SubnetId!;
    s.aws.subnets = s.aws.subnets!.map((x) => (x.SubnetId === nodeSubnet ? { ...x, AvailableIpAddressCount: 0 } : x));
    const second = await diagnoseSnapshot(s, { diagnostics, toolVersion: 'test' });
    expect(second.findings.filter((f) => f.id === 'subnets/subnet-exhausted').map((f) => f.resources[0]!.id)).toEqual([nodeSubnet]);
  });
});
