/**
 * One side of the fault matrix (test/fault-matrix-aws.test.ts, test/fault-matrix-kubernetes.test.ts:
 * two files, so the two halves run in parallel forks). Cases run concurrently across scenarios; the
 * runs on one scenario share its mocks and take turns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import { FAULT_KINDS, faultsFor, judge, matrixTargets, rankedScenarios, scenarioWhereItMatters, type FaultKind, type MatrixTarget } from './fault-matrix.js';
import { LiveScenario, type LiveRun } from './live-run.js';

export async function faultMatrix(side: MatrixTarget['side'], pending: { kind: FaultKind; reason: string }[] = []): Promise<void> {
  const diagnostics = await loadDiagnostics();
  const ranked = await rankedScenarios(diagnostics);
  const targets = matrixTargets().filter((t) => t.side === side);
  const cases = await Promise.all(targets.map(async (target) => ({ target, scenario: await scenarioWhereItMatters(target, diagnostics, ranked) })));

  const started = new Map<string, Promise<{ live: LiveScenario; clean: LiveRun }>>();
  const scenario = (name: string) => {
    let s = started.get(name);
    if (!s) {
      s = LiveScenario.start(loadScenario(name)).then(async (live) => ({ live, clean: await live.run() }));
      started.set(name, s);
    }
    return s;
  };
  afterAll(async () => {
    await Promise.all([...started.values()].map(async (s) => (await s).live.close()));
  });

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
          const { live, clean } = await scenario(name);
          const faulted = await live.run(faultsFor(target, kind));
          expect(judge({ target, kind, clean, faulted, diagnostics })).toEqual([]);
        });
      }
    }
  });
}
