/**
 * The checks and correlation alone, per check, on generated clusters with their workload (ten pods
 * per node, a tenth Pending, as `npm run bench` serves them): where `diagnoseSnapshot` spends its
 * time at each size. Prints figures only (medians over the runs after one warm-up).
 *
 *   npm run build && tsc -p bench/tsconfig.json && node dist/bench/checks-time.js [sizes] [runs]
 *   node --cpu-prof dist/bench/checks-time.js 5000 3      # a profile to open in Chrome DevTools
 */
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { buildScaledCluster } from '../mocks/scenario-builder/scale.js';

const sizes = (process.argv[2] ?? '1000,5000,20000').split(',').map(Number);
const runs = Number(process.argv[3] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const diagnostics = await loadDiagnostics();
for (const nodes of sizes) {
  const snapshot = buildScaledCluster(nodes, { workload: {} });
  const totals: number[] = [];
  const cpu: number[] = [];
  const perCheck = new Map<string, number[]>();
  for (let r = 0; r <= runs; r++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const report = await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'bench', generatedAt: new Date(snapshot.capturedAt) });
    if (r === 0) continue;
    totals.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    for (const c of report.checks) perCheck.set(c.id, [...(perCheck.get(c.id) ?? []), c.durationMs]);
  }
  const checksMs = [...perCheck.values()].reduce((sum, xs) => sum + median(xs), 0);
  const slowest = [...perCheck].map(([id, xs]) => [id, median(xs)] as const).sort((a, b) => b[1] - a[1]).slice(0, 6);
  // CPU time as well as wall time: on a machine shared with other jobs it varies less.
  console.log(`${nodes} nodes: total ${median(totals).toFixed(0)} ms, CPU ${median(cpu).toFixed(0)} ms (checks ${checksMs.toFixed(0)} ms, correlation + report ${(median(totals) - checksMs).toFixed(0)} ms)`);
  console.log(`  slowest: ${slowest.map(([id, ms]) => `${id} ${ms.toFixed(0)}`).join(', ')}`);
}
