/**
 * `npm run bench`: how eks-doctor behaves at scale. For each generated cluster size, full
 * `eks-doctor diagnose --output json --trace FILE` runs as separate processes against the mocks
 * (AWS and the Kubernetes API server) with a fixed latency on every request, and the medians of:
 * wall time, requests per API action, the critical path of requests (from the run's own trace;
 * from the mock's log too, for comparison) and the latency it adds up to, wall / critical path,
 * peak RSS, the phases of the run as its trace times them, and the time the checks and
 * correlation take on their own. Then the start-up cost (--version, the JSON path, and which of
 * them load ink or React) and a --watch soak. Writes bench/results/<time>.json and prints a table
 * (docs/performance.md shows the latest).
 *
 *   npm run bench                                  quick: 100 and 1,000 nodes, 3 runs, soak of 20
 *   npm run bench -- --full                        100, 1,000, 5,000, 20,000 nodes, soak of 200
 *   npm run bench -- --sizes none --soak 200 --soak-size 5000     the soak alone: live heap after a forced GC and RSS, run 10 against run 200
 *   npm run bench -- --sizes 5000 --runs 5 --aws-latency 40 --kubernetes-latency 10 --soak 200 --soak-size 5000
 *
 * Peak and soak RSS are read from /proc (Linux).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { startMockCluster } from '../mocks/mock-cluster.js';
import { buildScaledCluster } from '../mocks/scenario-builder/scale.js';
import { IMPORT_SPAN_PREFIX, STARTUP_SPAN, type OtlpSpan, type OtlpTraceFile } from '../src/trace/tracer.js';
import { isUiModule, loadedModules } from '../test/support/loaded-modules.js';
import { criticalPath, requestsFromLog, requestsFromTrace, type CriticalPath } from './critical-path.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'eks-doctor.js');
const importWatch = join(root, 'dist', 'bench', 'import-watch.js');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    runs: { type: 'string' },
    'aws-latency': { type: 'string', default: '40' },
    'kubernetes-latency': { type: 'string', default: '10' },
    soak: { type: 'string' },
    'soak-size': { type: 'string' },
    /** The soak over the cluster saved to a file instead of against the live mocks. */
    'soak-snapshot': { type: 'boolean', default: false },
    /** The clusters without their application pods (ten per node, a tenth Pending): the sizes measured before the workload was added. */
    'without-workload': { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    out: { type: 'string' },
    /** V8/Node options for every eks-doctor process, e.g. "--max-old-space-size=384" to see a memory-limited run. */
    'node-options': { type: 'string' },
  },
});
const full = values.full === true;
const sizes = (values.sizes ?? (full ? '100,1000,5000,20000' : '100,1000')).split(',').map(Number).filter((n) => n > 0);
const runs = Number(values.runs ?? 3);
const awsLatencyMs = Number(values['aws-latency']);
const kubernetesLatencyMs = Number(values['kubernetes-latency']);
const soakRuns = Number(values.soak ?? (full ? 200 : 20));
const soakSize = Number(values['soak-size'] ?? (full ? 5000 : 1000));
const nodeOptions = values['node-options'] ?? '';
const scaleOptions = values['without-workload'] ? {} : { workload: {} };
/** The workload pods a cluster of this size carries (ten per EC2 node), for the table. */
const workloadPods = (nodes: number) => (values['without-workload'] ? 0 : nodes * 10);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mb = (kb: number) => Math.round(kb / 102.4) / 10;

interface ProcessResult {
  code: number | null;
  wallMs: number;
  peakRssKb: number;
  stdout: string;
  stderr: string;
}

/** /proc/<pid>/status field in kB (VmHWM: peak resident set; VmRSS: current). */
function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the CLI; peak RSS is the last VmHWM read before the process exits (it only grows). */
function runCli(args: string[], env: Record<string, string> = {}, onLine?: (line: string, pid: number) => void): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const allNodeOptions = [nodeOptions, env.NODE_OPTIONS].filter(Boolean).join(' ');
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...(allNodeOptions ? { NODE_OPTIONS: allNodeOptions } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    const sample = () => {
      const hwm = child.pid ? procStatusKb(child.pid, 'VmHWM') : undefined;
      if (hwm !== undefined) peak = Math.max(peak, hwm);
    };
    const timer = setInterval(sample, 20);
    const out: Buffer[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      sample();
      if (!onLine) return void out.push(chunk);
      pending += chunk.toString('utf8');
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        onLine(pending.slice(0, nl), child.pid!);
        pending = pending.slice(nl + 1);
      }
    });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolvePromise({ code, wallMs: performance.now() - started, peakRssKb: peak, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

interface SizeResult {
  nodes: number;
  runs: number;
  wallMs: number;
  /** From the run's --trace: its CLIENT spans, AWS and Kubernetes. */
  criticalPathMs: number;
  criticalPathRequests: number;
  /** The same computed from the mocks' request log (server-side times), for comparison. */
  criticalPathFromLogMs: number;
  wallOverCriticalPath: number;
  requests: number;
  requestsPerAction: Record<string, number>;
  /** Whether the trace held exactly one CLIENT span per request in the mocks' log, in every run. */
  traceMatchesLog: boolean;
  peakRssMb: number;
  /** Each phase of the run as its trace times it (startup, collect AWS, collect Kubernetes, checks, correlation, render). */
  phasesMs: Record<string, number>;
  /** The trace's `startup` span: from the process's time origin to the first request. */
  startupMs: number;
  /** The time the run spent loading modules (its `import …` spans), and each load in the median run. */
  moduleLoadMs: number;
  moduleLoadsMs: Record<string, number>;
  checksAndCorrelationMs: number;
  exitCodes: number[];
  criticalChain: string[];
}

const spansOf = (trace: OtlpTraceFile) => trace.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
const spanMs = (s: OtlpSpan) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;

/** The root span's children (the phases, `startup` among them) and their durations in ms; module loads apart. */
function phaseDurations(trace: OtlpTraceFile): Record<string, number> {
  const spans = spansOf(trace);
  const root = spans.find((s) => s.parentSpanId === undefined);
  const phases: Record<string, number> = {};
  for (const s of spans) if (root && s.parentSpanId === root.spanId && !s.name.startsWith(IMPORT_SPAN_PREFIX)) phases[s.name] = spanMs(s);
  return phases;
}

/** The run's `startup` span, and the time spent loading modules (the union of its `import …` spans, which may overlap), in ms. */
function startupOf(trace: OtlpTraceFile): { startupMs: number; moduleLoadMs: number; loads: Record<string, number> } {
  const spans = spansOf(trace);
  const startup = spans.find((s) => s.name === STARTUP_SPAN);
  const imports = spans.filter((s) => s.name.startsWith(IMPORT_SPAN_PREFIX)).map((s) => [BigInt(s.startTimeUnixNano), BigInt(s.endTimeUnixNano)] as const);
  imports.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  let total = 0n;
  let reached = 0n;
  for (const [start, end] of imports) {
    const from = start > reached ? start : reached;
    if (end > from) total += end - from;
    if (end > reached) reached = end;
  }
  const loads = Object.fromEntries(spans.filter((s) => s.name.startsWith(IMPORT_SPAN_PREFIX)).map((s) => [s.name.slice(IMPORT_SPAN_PREFIX.length), Math.round(spanMs(s))]));
  return { startupMs: startup ? spanMs(startup) : NaN, moduleLoadMs: Number(total) / 1e6, loads };
}

function medianOf<T extends { ms: number }>(items: T[]): T {
  return [...items].sort((a, b) => a.ms - b.ms)[Math.floor(items.length / 2)]!;
}

async function measureSize(nodes: number): Promise<SizeResult> {
  const snapshot = buildScaledCluster(nodes, scaleOptions);
  const cluster = await startMockCluster({ scenario: snapshot, latencyMs: awsLatencyMs, kubernetesLatencyMs });
  const env = { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: snapshot.cluster.region };
  const traceDir = mkdtempSync(join(tmpdir(), 'eks-doctor-bench-trace-'));
  const walls: number[] = [];
  const paths: CriticalPath[] = [];
  const logPaths: CriticalPath[] = [];
  const phases: Record<string, number>[] = [];
  const startups: ReturnType<typeof startupOf>[] = [];
  const rss: number[] = [];
  const exitCodes: number[] = [];
  let traceMatchesLog = true;
  let counts: Record<string, number> = {};
  try {
    for (let r = 0; r < runs; r++) {
      cluster.log.clear();
      const traceFile = join(traceDir, `run-${r}.json`);
      const result = await runCli(
        ['diagnose', '--cluster', snapshot.cluster.name, '--region', snapshot.cluster.region, '--endpoint-url', cluster.awsUrl, '--output', 'json', '--timeout', '600', '--trace', traceFile],
        env,
      );
      if (result.code !== 0 && result.code !== 1) throw new Error(`diagnose at ${nodes} nodes exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
      exitCodes.push(result.code);
      walls.push(result.wallMs);
      rss.push(result.peakRssKb);
      const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as OtlpTraceFile;
      const traced = requestsFromTrace(trace);
      const logged = requestsFromLog(cluster.log.entries);
      traceMatchesLog &&= traced.length === logged.length;
      paths.push(criticalPath(traced));
      logPaths.push(criticalPath(logged));
      phases.push(phaseDurations(trace));
      startups.push(startupOf(trace));
      counts = Object.fromEntries([...cluster.log.countsByAction()].sort(([a], [b]) => a.localeCompare(b)));
    }
  } finally {
    await cluster.close();
    rmSync(traceDir, { recursive: true, force: true });
  }
  // The checks and correlation alone, in this process, on the same cluster (warmed up once).
  const diagnostics = await loadDiagnostics();
  const checkTimes: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const started = performance.now();
    await diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'bench', generatedAt: new Date(snapshot.capturedAt) });
    if (r > 0) checkTimes.push(performance.now() - started);
  }
  const medianPath = medianOf(paths);
  const wallMs = median(walls);
  const phaseNames = [...new Set(phases.flatMap((p) => Object.keys(p)))];
  return {
    nodes,
    runs,
    wallMs: Math.round(wallMs),
    criticalPathMs: Math.round(medianPath.ms),
    criticalPathRequests: medianPath.chain.length,
    criticalPathFromLogMs: Math.round(medianOf(logPaths).ms),
    wallOverCriticalPath: Math.round((wallMs / medianPath.ms) * 100) / 100,
    requests: Object.values(counts).reduce((a, b) => a + b, 0),
    requestsPerAction: counts,
    traceMatchesLog,
    peakRssMb: mb(median(rss)),
    phasesMs: Object.fromEntries(phaseNames.map((name) => [name, Math.round(median(phases.map((p) => p[name] ?? NaN)))])),
    startupMs: Math.round(median(startups.map((s) => s.startupMs))),
    moduleLoadMs: Math.round(median(startups.map((s) => s.moduleLoadMs))),
    moduleLoadsMs: [...startups].sort((a, b) => a.moduleLoadMs - b.moduleLoadMs)[Math.floor(startups.length / 2)]?.loads ?? {},
    checksAndCorrelationMs: Math.round(median(checkTimes)),
    exitCodes,
    criticalChain: medianPath.chain,
  };
}

interface StartupResult {
  versionMs: number;
  jsonPathMs: number;
  /** `demo --output json` (the mocks' start included), and its trace's startup span and module loads. */
  demoMs: number;
  demoStartupMs: number;
  demoModuleLoadMs: number;
  /** `diagnose --snapshot --output json`'s trace: startup (until its first phase) and module loads. */
  jsonPathStartupMs: number;
  jsonPathModuleLoadMs: number;
  versionLoadsInkOrReact: string[];
  jsonPathLoadsInkOrReact: string[];
}

async function measureStartup(): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-bench-'));
  const inkOrReact = async (args: string[]) => {
    const log = join(dir, 'imports.log');
    rmSync(log, { force: true });
    writeFileSync(log, '');
    await runCli(args, { EKS_DOCTOR_IMPORT_LOG: log, NODE_OPTIONS: `--import=${importWatch}` });
    // The bundle's files stand for the modules in them (its metafile says which).
    const modules = loadedModules(readFileSync(log, 'utf8').split('\n'));
    return [...new Set(modules.filter(isUiModule).map((u) => u.replace(/^.*\/node_modules\//, '').split('/')[0]!))];
  };
  const baseline = join(root, 'mocks', 'scenarios', 'baseline.json');
  const traceFile = join(dir, 'trace.json');
  const jsonArgs = ['diagnose', '--snapshot', baseline, '--output', 'json'];
  const version: number[] = [];
  const json: number[] = [];
  const demo: number[] = [];
  const jsonTraces: ReturnType<typeof startupOf>[] = [];
  const demoTraces: ReturnType<typeof startupOf>[] = [];
  const traced = async (args: string[], into: ReturnType<typeof startupOf>[]) => {
    const { wallMs } = await runCli([...args, '--trace', traceFile]);
    into.push(startupOf(JSON.parse(readFileSync(traceFile, 'utf8')) as OtlpTraceFile));
    return wallMs;
  };
  for (let r = 0; r < 7; r++) {
    version.push((await runCli(['--version'])).wallMs);
    json.push(await traced(jsonArgs, jsonTraces));
    demo.push(await traced(['demo', '--output', 'json'], demoTraces));
  }
  const ms = (xs: number[]) => Math.round(median(xs));
  const result = {
    versionMs: ms(version),
    jsonPathMs: ms(json),
    demoMs: ms(demo),
    demoStartupMs: ms(demoTraces.map((t) => t.startupMs)),
    demoModuleLoadMs: ms(demoTraces.map((t) => t.moduleLoadMs)),
    jsonPathStartupMs: ms(jsonTraces.map((t) => t.startupMs)),
    jsonPathModuleLoadMs: ms(jsonTraces.map((t) => t.moduleLoadMs)),
    versionLoadsInkOrReact: await inkOrReact(['--version']),
    jsonPathLoadsInkOrReact: await inkOrReact(jsonArgs),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

interface SoakResult {
  nodes: number;
  runs: number;
  /** Against the live mocks (every run collects afresh) or a saved snapshot. */
  source: 'live mock' | 'snapshot';
  rssAfterFirstMb: number;
  /** VmHWM when the first report arrived: what one run needs at its peak. */
  peakRssOfFirstMb: number;
  /** The run compared with the last: the tenth (a tenth of the runs, when fewer than 100). */
  tenthRun: number;
  /** RSS after that run: where it settles. */
  rssAfterTenthMb: number;
  rssAtEndMb: number;
  /** RSS at the end against after the tenth run (the issue's target: within 10%). */
  growthFromTenthPercent: number;
  /** One reading of RSS swings by tens of MB from run to run: the medians of the ten runs from the tenth on and of the last ten, and their change. */
  rssMedians: { fromTenthMb: number; lastTenMb: number; growthPercent: number };
  /** The live heap after a forced full GC following the first, the tenth and the last report (the issue's target: within 10% from the tenth). */
  heapAfterGc: { firstMb: number; tenthMb: number; lastMb: number; growthFromTenthPercent: number };
  /** Every report's live heap after the forced GC, and RSS before it (MB), in run order: a trend shows here. */
  perRun: { heapMb: number[]; rssMb: number[] };
}

const percent = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;

/**
 * --watch re-diagnosing one cluster in one process; RSS read as each NDJSON line arrives. Against
 * the live mocks by default, so the collectors run every time (their buffers, the Kubernetes
 * client's pages, the SDK's clients); with --soak-snapshot, over the cluster saved to a file.
 */
async function soak(nodes: number, count: number): Promise<SoakResult> {
  const snapshot = buildScaledCluster(nodes, scaleOptions);
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-soak-'));
  const fromFile = values['soak-snapshot'] === true;
  const cluster = fromFile ? undefined : await startMockCluster({ scenario: snapshot, latencyMs: awsLatencyMs, kubernetesLatencyMs });
  const file = join(dir, `scale-${nodes}.json`);
  if (fromFile) writeFileSync(file, JSON.stringify(snapshot));
  const target = cluster
    ? ['--cluster', snapshot.cluster.name, '--region', snapshot.cluster.region, '--endpoint-url', cluster.awsUrl, '--timeout', '600']
    : ['--snapshot', file];
  let reports = 0;
  let peakOfFirst = NaN;
  const env: Record<string, string> = {
    ...(cluster ? { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey, AWS_REGION: snapshot.cluster.region } : {}),
    NODE_OPTIONS: `--expose-gc --import=${join(root, 'dist', 'bench', 'soak-heap-hook.js')}`,
  };
  let result: ProcessResult;
  try {
    result = await runCli(['diagnose', ...target, '--output', 'json', '--watch', '0', '--watch-count', String(count)], env, (_line, pid) => {
      if (reports === 0) peakOfFirst = procStatusKb(pid, 'VmHWM') ?? NaN;
      reports++;
    });
  } finally {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // From the hook, after each report: the live heap after a forced full GC, and RSS before it.
  const perRun = [...result.stderr.matchAll(/^soak-heap (\d+) (\d+)$/gm)].map((m) => ({ heapMb: Number(m[1]) / 2 ** 20, rssMb: Number(m[2]) / 2 ** 20 }));
  if (reports !== count || perRun.length !== count) throw new Error(`the soak wrote ${reports} reports and ${perRun.length} heap readings, not ${count}: ${result.stderr.replace(/^soak-heap .*\n/gm, '').slice(0, 2000)}`);
  const tenth = Math.min(10, Math.max(1, Math.floor(count / 10))) - 1;
  const round = (x: number) => Math.round(x * 10) / 10;
  const heap = perRun.map((r) => r.heapMb);
  const rss = perRun.map((r) => r.rssMb);
  return {
    nodes,
    runs: count,
    source: cluster ? 'live mock' : 'snapshot',
    rssAfterFirstMb: round(rss[0]!),
    peakRssOfFirstMb: mb(peakOfFirst),
    tenthRun: tenth + 1,
    rssAfterTenthMb: round(rss[tenth]!),
    rssAtEndMb: round(rss[rss.length - 1]!),
    growthFromTenthPercent: percent(rss[tenth]!, rss[rss.length - 1]!),
    rssMedians: { fromTenthMb: round(median(rss.slice(tenth, tenth + 10))), lastTenMb: round(median(rss.slice(-10))), growthPercent: percent(median(rss.slice(tenth, tenth + 10)), median(rss.slice(-10))) },
    heapAfterGc: { firstMb: round(heap[0]!), tenthMb: round(heap[tenth]!), lastMb: round(heap[heap.length - 1]!), growthFromTenthPercent: percent(heap[tenth]!, heap[heap.length - 1]!) },
    perRun: { heapMb: heap.map(round), rssMb: rss.map(round) },
  };
}

function table(results: SizeResult[]): string {
  const header = '| cluster | wall (ms) | startup / module loads (ms) | collect AWS / Kubernetes (ms) | critical path (ms, requests) | wall / critical path | requests | peak RSS (MB) | checks + correlation (ms) |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = results.map(
    (r) =>
      `| ${r.nodes.toLocaleString('en')} nodes${workloadPods(r.nodes) ? ` + ${workloadPods(r.nodes).toLocaleString('en')} workload pods` : ''} | ${r.wallMs} | ${r.startupMs} / ${r.moduleLoadMs} | ${r.phasesMs['collect AWS'] ?? '-'} / ${r.phasesMs['collect Kubernetes'] ?? '-'} | ${r.criticalPathMs} (${r.criticalPathRequests}) | ${r.wallOverCriticalPath} | ${r.requests} | ${r.peakRssMb} | ${r.checksAndCorrelationMs} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** The 1-minute load average at the start and the end: on a shared machine, how far the figures are from a quiet one's. */
const loadAtStart = Math.round(loadavg()[0]! * 10) / 10;
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${platform()} ${release()}` };
console.log(`eks-doctor bench: sizes ${sizes.join(', ') || 'none (the soak alone)'}${values['without-workload'] ? ' without workload pods' : ', ten workload pods per node (a tenth Pending)'}, ${runs} runs each, latency ${awsLatencyMs} ms AWS and ${kubernetesLatencyMs} ms Kubernetes${nodeOptions ? `, NODE_OPTIONS ${nodeOptions}` : ''}, on ${machine.cpus} x ${machine.cpuModel}`);
const sizeResults: SizeResult[] = [];
for (const nodes of sizes) {
  const r = await measureSize(nodes);
  sizeResults.push(r);
  console.log(
    `  ${nodes} nodes: wall ${r.wallMs} ms, critical path ${r.criticalPathMs} ms (mock log: ${r.criticalPathFromLogMs} ms), ${r.requests} requests${r.traceMatchesLog ? '' : ' (the trace and the log disagree on the count!)'}, peak RSS ${r.peakRssMb} MB, checks ${r.checksAndCorrelationMs} ms; phases ${Object.entries(r.phasesMs).map(([k, v]) => `${k} ${v}`).join(', ')} ms`,
  );
}
// `--sizes none`: the soak alone, without the start-up runs either.
const startup = sizes.length > 0 ? await measureStartup() : undefined;
const soakResult = soakRuns > 0 ? await soak(soakSize, soakRuns) : undefined;
const loadAverage = { start: loadAtStart, end: Math.round(loadavg()[0]! * 10) / 10 };
const results = { takenAt: new Date().toISOString(), machine: { ...machine, loadAverage }, settings: { runs, awsLatencyMs, kubernetesLatencyMs, workloadPodsPerNode: values['without-workload'] ? 0 : 10, ...(nodeOptions ? { nodeOptions } : {}) }, sizes: sizeResults, startup, soak: soakResult };
const outFile = values.out ?? join(root, 'bench', 'results', `${results.takenAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${table(sizeResults)}\n`);
if (startup) {
  console.log(`start-up: --version ${startup.versionMs} ms (loads ${startup.versionLoadsInkOrReact.join(', ') || 'neither ink nor React'}); diagnose --snapshot --output json ${startup.jsonPathMs} ms, its startup span ${startup.jsonPathStartupMs} ms, module loads ${startup.jsonPathModuleLoadMs} ms (loads ${startup.jsonPathLoadsInkOrReact.join(', ') || 'neither ink nor React'})`);
  console.log(`demo --output json: ${startup.demoMs} ms wall, the mocks' start included; its startup span ${startup.demoStartupMs} ms, module loads ${startup.demoModuleLoadMs} ms`);
}
if (soakResult) {
  const s = soakResult;
  const against = (percentage: number) => `${percentage > 0 ? '+' : ''}${percentage}% from run ${s.tenthRun} to run ${s.runs}, target within 10%: ${Math.abs(percentage) <= 10 ? 'met' : 'missed'}`;
  console.log(`soak: ${s.runs} --watch runs over ${s.nodes} nodes (${s.source}), one process`);
  console.log(`  live heap after a forced GC: ${s.heapAfterGc.firstMb} MB after run 1, ${s.heapAfterGc.tenthMb} MB after run ${s.tenthRun}, ${s.heapAfterGc.lastMb} MB after run ${s.runs} (${against(s.heapAfterGc.growthFromTenthPercent)})`);
  console.log(`  RSS: ${s.rssAfterFirstMb} MB after run 1 (its peak ${s.peakRssOfFirstMb} MB), ${s.rssAfterTenthMb} MB after run ${s.tenthRun}, ${s.rssAtEndMb} MB after run ${s.runs} (${against(s.growthFromTenthPercent)})`);
  console.log(`  RSS medians (one reading swings by tens of MB): ${s.rssMedians.fromTenthMb} MB over the ten runs from run ${s.tenthRun}, ${s.rssMedians.lastTenMb} MB over the last ten (${s.rssMedians.growthPercent > 0 ? '+' : ''}${s.rssMedians.growthPercent}%)`);
}
console.log(`load average ${loadAverage.start} at the start, ${loadAverage.end} at the end`);
console.log(`results: ${outFile}${existsSync(outFile) ? '' : ' (not written)'}`);
