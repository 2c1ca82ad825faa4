/**
 * Issue 22's proof: a fleet of 20 mock clusters audited in 3 shards (three processes at once over one
 * report directory, as the pods of an Indexed Job over a ReadWriteMany volume), then merged, gives
 * the summary, table and exit code of one process auditing the whole fleet. And `summarize` names
 * what is wrong with a set of shards it cannot merge: a shard missing or there twice, another run's
 * shard, a cluster in two shards, a report missing or broken.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { mergeShards, type FleetRow, type FleetShardSummary, type FleetSummary } from '../../src/cli/fleet-summary.js';
import { asCluster, fleetCli } from '../support/fleet.js';

const REGIONS = 'eu-west-1,eu-central-1,eu-north-1,us-east-1,us-west-2,ap-southeast-2,sa-east-1';
const CLUSTERS = 20;

/** 20 clusters: three sick ones, each with its region to itself (a region's clusters share the mock's VPC resources), and 17 healthy. */
function fleet() {
  const healthy = Array.from({ length: 17 }, (_, i) => asCluster('baseline', `svc-${String(i).padStart(2, '0')}`, ['us-east-1', 'us-west-2', 'ap-southeast-2'][i % 3]!));
  return [asCluster('nat-gateway-deleted', 'shop-batch', 'eu-west-1'), asCluster('node-role-worker-policy-missing', 'ingest', 'eu-central-1'), asCluster('subnet-exhausted', 'search', 'eu-north-1'), ...healthy];
}

let mock: AwsMock;
const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-shards-'));
const single = join(dir, 'single');
const sharded = join(dir, 'sharded');
const common = (reportDir: string) => ['diagnose', '--all-clusters', '--regions', REGIONS, '--endpoint-url', mock.url, '--report-dir', reportDir, '--concurrency', '4', '--max-requests-per-second', '500', '--skip', 'api-server-access', '--fail-on', 'warning'];
let singleRun: Awaited<ReturnType<typeof fleetCli>>;
let shardRuns: Awaited<ReturnType<typeof fleetCli>>[];
let summarizeRun: Awaited<ReturnType<typeof fleetCli>>;

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
/** What must be equal between the two ways: everything but the time and where the directory is. */
const comparable = (summary: FleetSummary) => ({ ...summary, generatedAt: undefined, rows: summary.rows.map((r: FleetRow) => ({ ...r, reportFile: r.reportFile?.split('/').pop() })) });
const table = (stdout: string, reportDir: string) => stdout.replaceAll(reportDir, 'DIR');

describe('a fleet of 20 clusters in 3 shards', () => {
  beforeAll(async () => {
    // Listing sa-east-1 is denied: a failed discovery, which every shard sees and the summary shows once.
    mock = await startAwsMock({ snapshots: fleet(), faults: [{ action: 'eks:ListClusters', kind: 'denied', region: 'sa-east-1' }] });
    singleRun = await fleetCli(common(single));
    // The Indexed Job: shard 0 named on the command line, 1 and 2 from JOB_COMPLETION_INDEX, all at once.
    shardRuns = await Promise.all([
      fleetCli([...common(sharded), '--shard', '0/3', '--run-id', 'job-1']),
      fleetCli([...common(sharded), '--shard', '/3', '--run-id', 'job-1'], { JOB_COMPLETION_INDEX: '1' }),
      fleetCli([...common(sharded), '--shard', '/3', '--run-id', 'job-1'], { JOB_COMPLETION_INDEX: '2' }),
    ]);
  }, 600_000);
  afterAll(async () => {
    await mock.close();
    if (!process.env.KEEP_FLEET) rmSync(dir, { recursive: true, force: true });
  });

  it('the single run audits all 20 and shows the denied region', () => {
    expect(singleRun.stderr).not.toMatch(/\n\s+at /);
    const summary = readJson<FleetSummary>(join(single, 'summary.json'));
    expect(summary.rows.filter((r) => r.cluster)).toHaveLength(CLUSTERS);
    expect(summary.rows.filter((r) => r.status === 'failed')).toEqual([expect.objectContaining({ region: 'sa-east-1', error: expect.stringMatching(/could not list clusters/) })]);
    expect(summary.rows.filter((r) => r.status === 'findings').map((r) => r.cluster).sort()).toEqual(['ingest', 'search', 'shop-batch']);
    expect(singleRun.code).toBe(1);
  });

  it('each shard audits a share of its own, none empty, together the whole fleet once', () => {
    for (const run of shardRuns) expect(run.stderr).not.toMatch(/\n\s+at /);
    const parts = [0, 1, 2].map((i) => readJson<FleetShardSummary>(join(sharded, `shard-${i}-of-3.json`)));
    const clusters = parts.map((p) => p.rows.flatMap((r) => (r.cluster ? [r.cluster] : [])));
    for (const share of clusters) expect(share.length).toBeGreaterThan(0);
    expect(clusters.flat().sort()).toHaveLength(CLUSTERS);
    expect(new Set(clusters.flat()).size).toBe(CLUSTERS);
    expect(parts.map((p) => [p.shard, p.runId])).toEqual([[{ index: 0, count: 3 }, 'job-1'], [{ index: 1, count: 3 }, 'job-1'], [{ index: 2, count: 3 }, 'job-1']]);
    // Each shard's table says which shard it was.
    shardRuns.forEach((run, i) => expect(run.stdout).toContain(`Shard ${i}/3: reports and shard-${i}-of-3.json in ${sharded}/`));
    // Exactly the reports of the shard's own clusters, named as the single run names them.
    expect(readdirSync(sharded).filter((f) => /^\d+_.*\.json$/.test(f)).sort()).toEqual(readdirSync(single).filter((f) => /^\d+_.*\.json$/.test(f)).sort());
  });

  it('the last shard to finish wrote the summary of the single run', () => {
    expect(shardRuns.filter((r) => r.stderr.includes(`all 3 shards of run job-1 are done: wrote ${join(sharded, 'summary.json')}`)).length).toBeGreaterThanOrEqual(1);
    expect(comparable(readJson<FleetSummary>(join(sharded, 'summary.json')))).toEqual(comparable(readJson<FleetSummary>(join(single, 'summary.json'))));
  });

  it('summarize prints the same table and JSON, and exits as the single run did', async () => {
    summarizeRun = await fleetCli(['summarize', sharded]);
    expect(summarizeRun.stderr).toBe('');
    expect(table(summarizeRun.stdout, sharded)).toBe(table(singleRun.stdout, single));
    expect(summarizeRun.stdout.split('\n').filter((l) => /^111122223333 /.test(l))).toHaveLength(CLUSTERS);
    expect(summarizeRun.code).toBe(singleRun.code);
    const json = await fleetCli(['summarize', sharded, '--output', 'json']);
    expect(comparable(JSON.parse(json.stdout) as FleetSummary)).toEqual(comparable(readJson<FleetSummary>(join(single, 'summary.json'))));
  });

  it('summarize merges shards copied from their own volumes into subdirectories', async () => {
    const copies = join(dir, 'copies');
    for (let i = 0; i < 3; i++) {
      const part = readJson<FleetShardSummary>(join(sharded, `shard-${i}-of-3.json`));
      const own = join(copies, `shard-${i}`);
      cpSync(join(sharded, `shard-${i}-of-3.json`), join(own, `shard-${i}-of-3.json`));
      for (const row of part.rows) if (row.reportFile) cpSync(row.reportFile, join(own, row.reportFile.split('/').pop()!));
    }
    const { summary } = mergeShards(copies);
    expect(comparable(summary)).toEqual(comparable(readJson<FleetSummary>(join(single, 'summary.json'))));
    expect(summary.rows.find((r) => r.cluster === 'shop-batch')!.reportFile).toMatch(new RegExp(`^${copies}/shard-\\d/111122223333_eu-west-1_shop-batch\\.json$`));
  });

  it('summarize names every problem of a set of shards it cannot merge, and exits 2', async () => {
    const broken = join(dir, 'broken');
    cpSync(sharded, broken, { recursive: true });
    const part = (i: number) => readJson<FleetShardSummary>(join(broken, `shard-${i}-of-3.json`));
    const zero = part(0);
    const two = part(2);
    // Shard 1 never finished; shard 2 claims one of shard 0's clusters too; a report is cut short, another gone.
    rmSync(join(broken, 'shard-1-of-3.json'));
    const stolen = zero.rows.find((r) => r.cluster)!;
    writeFileSync(join(broken, 'shard-2-of-3.json'), JSON.stringify({ ...two, rows: [...two.rows, stolen] }));
    const [cut, gone] = two.rows.filter((r) => r.reportFile).map((r) => join(broken, r.reportFile!.split('/').pop()!));
    writeFileSync(cut!, '{"cluster": {"na');
    rmSync(gone!);
    const result = await fleetCli(['summarize', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot summarize ${broken}:`);
    expect(result.stderr).toContain(`shard 1/3 is missing: no shard-1-of-3.json under ${broken}`);
    expect(result.stderr).toContain(`cluster 111122223333/${stolen.region}/${stolen.cluster} is in shard 0/3 (${join(broken, 'shard-0-of-3.json')}) and in shard 2/3 (${join(broken, 'shard-2-of-3.json')})`);
    expect(result.stderr).toContain(`is not readable JSON: ${cut}`);
    expect(result.stderr).toContain(`is missing: ${gone}`);
    expect(result.stdout).toBe('');
  });

  it('summarize refuses shards of two runs, two shard counts, and a shard there twice', () => {
    const mixed = join(dir, 'mixed');
    cpSync(sharded, mixed, { recursive: true });
    writeFileSync(join(mixed, 'shard-1-of-3.json'), JSON.stringify({ ...readJson<FleetShardSummary>(join(mixed, 'shard-1-of-3.json')), runId: 'job-0' }));
    expect(() => mergeShards(mixed)).toThrow(/shards of different runs: run job-1: 0\/3, 2\/3; run job-0: 1\/3/);
    const counts = join(dir, 'counts');
    cpSync(sharded, counts, { recursive: true });
    writeFileSync(join(counts, 'shard-0-of-4.json'), JSON.stringify({ ...readJson<FleetShardSummary>(join(counts, 'shard-0-of-3.json')), shard: { index: 0, count: 4 } }));
    expect(() => mergeShards(counts)).toThrow(/shard summaries of different shard counts/);
    const twice = join(dir, 'twice');
    cpSync(sharded, twice, { recursive: true });
    cpSync(join(twice, 'shard-1-of-3.json'), join(twice, 'again', 'shard-1-of-3.json'));
    expect(() => mergeShards(twice)).toThrow(new RegExp(`shard 1/3 is there twice: ${twice}/again/shard-1-of-3.json and ${twice}/shard-1-of-3.json|shard 1/3 is there twice: ${twice}/shard-1-of-3.json and ${twice}/again/shard-1-of-3.json`));
  });

  it('summarize says what to do with a directory of no shards, and --shard what it needs', async () => {
    const none = await fleetCli(['summarize', single]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no shard summaries (shard-I-of-N.json) under ${single}`);
    expect(none.stderr).toContain('that run was not sharded');
    const noIndex = await fleetCli(['diagnose', '--all-clusters', '--regions', 'eu-west-1', '--shard', '/3']);
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toMatch(/--shard \/3 takes the shard index from JOB_COMPLETION_INDEX, which is not set/);
    const alone = await fleetCli(['diagnose', '--cluster', 'shop-prod', '--region', 'eu-west-1', '--shard', '0/3']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--shard splits the clusters of --all-clusters/);
  });
});
