/**
 * One side of the fault matrix (test/fault-matrix-aws.test.ts, test/fault-matrix-kubernetes.test.ts:
 * two files, so the two halves run in parallel forks). Cases run concurrently, each on a mock cluster
 * of its scenario that no other case is using at the time.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import { FAULT_KINDS, faultsFor, judge, matrixTargets, rankedScenarios, scenarioWhereItMatters, type FaultKind, type MatrixTarget } from './fault-matrix.js';
import { LiveScenario, type LiveRun } from './live-run.js';

/** Mock clusters per scenario: each costs a TLS CA and two servers; two halve the queue on a popular scenario. */
const MOCKS_PER_SCENARIO = 2;

export async function faultMatrix(side: MatrixTarget['side'], pending: { kind: FaultKind; reason: string }[] = []): Promise<void> {
  const diagnostics = await loadDiagnostics();
  const ranked = await rankedScenarios(diagnostics);
  const targets = matrixTargets().filter((t) => t.side === side);
  const cases = await Promise.all(targets.map(async (target) => ({ target, scenario: await scenarioWhereItMatters(target, diagnostics, ranked) })));

  // Per scenario: its clean run, and a pool of mock clusters (one run at a time each, since the
  // faults are the mocks' state) so cases on a popular scenario do not queue behind one another.
  const pools = new Map<string, { clean: Promise<LiveRun>; idle: LiveScenario[]; all: Promise<LiveScenario>[] }>();
  const pool = (name: string) => {
    let p = pools.get(name);
    if (!p) {
      const first = LiveScenario.start(loadScenario(name));
      p = { clean: first.then((live) => live.run()), idle: [], all: [first] };
      const created = p;
      void first.then((live) => created.clean.then(() => created.idle.push(live)));
      pools.set(name, p);
    }
    return p;
  };
  const withLive = async <T>(name: string, use: (live: LiveScenario, clean: LiveRun) => Promise<T>): Promise<T> => {
    const p = pool(name);
    const clean = await p.clean;
    let live = p.idle.pop();
    if (!live && p.all.length < MOCKS_PER_SCENARIO) {
      const started = LiveScenario.start(loadScenario(name));
      p.all.push(started);
      live = await started;
    }
    // At the cap, take turns: wait for a mock cluster of this scenario to come free.
    while (!live) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      live = p.idle.pop();
    }
    try {
      return await use(live, clean);
    } finally {
      p.idle.push(live);
    }
  };
  afterAll(async () => {
    await Promise.all([...pools.values()].flatMap((p) => p.all.map(async (s) => (await s).close())));
  });

  // Most of a case is waiting (the SDK's back-off after a throttle, the mocks' answers): more cases at once than cores.
  vi.setConfig({ maxConcurrency: 6 });
  describe.concurrent(`fault matrix, ${side}`, () => {
    for (const { target, scenario: name } of cases) {
      for (const kind of FAULT_KINDS) {
        const title = `${target.name} ${kind} on ${name}`;
        const why = pending.find((p) => p.kind === kind)?.reason;
        if (why) {
          it.todo(`${title} (${why})`);
          continue;
        }
        it(title, async () => {
          const problems = await withLive(name, async (live, clean) => judge({ target, kind, clean, faulted: await live.run(faultsFor(target, kind)), diagnostics }));
          expect(problems).toEqual([]);
          // A watchdog, not a timing assertion: a case waits for its turn on a shared scenario.
        }, 180_000);
      }
    }
  });
}
