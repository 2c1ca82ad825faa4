/**
 * `diagnose --all-clusters` against the AWS mock serving three clusters in two regions, one of them
 * denied: every other cluster is audited and reported, the failure is a row of the summary, and
 * the exit code is the worst cluster's. Runs the built CLI as a user would (npm test builds first).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { asCluster, fleetCli } from '../support/fleet.js';
import type { Report } from '../../src/engine/report.js';
import { fleetExitCode, type FleetRow, type FleetSummary } from '../../src/cli/fleet-summary.js';
import { RequestLog } from '../../mocks/request-log.js';

let mock: AwsMock;
const log = new RequestLog();
const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-fleet-'));

const cli = fleetCli;

describe('diagnose --all-clusters', () => {
  beforeAll(async () => {
    mock = await startAwsMock({
      snapshots: [
        // Clusters of one region share the mock's VPC resources (first snapshot wins), so the sick
        // cluster has its region to itself.
        asCluster('nat-gateway-deleted', 'shop-batch', 'eu-west-1'),
        asCluster('baseline', 'payments', 'us-east-1'),
        asCluster('baseline', 'ledger', 'us-east-1'),
      ],
      // One cluster's reads are denied: whichever us-east-1 cluster is described first.
      faults: [{ action: 'eks:DescribeCluster', kind: 'denied', region: 'us-east-1', first: 1 }],
      log,
    });
  });
  afterAll(async () => {
    await mock.close();
    if (!process.env.KEEP_FLEET) rmSync(dir, { recursive: true, force: true });
  });

  it('audits every cluster of both regions, one report each, and shows the failing one in the summary', async () => {
    const reportDir = join(dir, 'reports');
    const result = await cli(['diagnose', '--all-clusters', '--regions', 'eu-west-1,us-east-1', '--endpoint-url', mock.url, '--report-dir', reportDir, '--concurrency', '2', '--max-requests-per-second', '200', '--skip', 'api-server-access']);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const summary = JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8')) as FleetSummary;
    const byCluster = Object.fromEntries(summary.rows.map((r) => [r.cluster, r]));
    expect(Object.keys(byCluster).sort()).toEqual(['ledger', 'payments', 'shop-batch']);
    expect(byCluster['shop-batch']).toMatchObject({ region: 'eu-west-1', status: 'findings', account: '111122223333', topRootCause: { id: 'routes-egress/default-route-blackhole' } });
    // Exactly one us-east-1 cluster lost eks:DescribeCluster; its report says so, the other's does not.
    const deniedDescribe = (row: FleetRow) => {
      const report = JSON.parse(readFileSync(row.reportFile!, 'utf8')) as Report;
      return report.checks.some((c) => c.failedCalls?.some((f) => f.call === 'eks:DescribeCluster' && f.kind === 'denied'));
    };
    const usEast = [byCluster.payments!, byCluster.ledger!];
    expect(usEast.map(deniedDescribe).sort()).toEqual([false, true]);
    expect(usEast.find(deniedDescribe)!.status).toBe('incomplete');
    // One report per audited cluster, named by account, region and cluster.
    const files = readdirSync(reportDir).filter((f) => f !== 'summary.json');
    for (const row of summary.rows.filter((r) => r.reportFile)) expect(existsSync(row.reportFile!)).toBe(true);
    expect(files).toContain('111122223333_eu-west-1_shop-batch.json');
    // The table on stdout names every cluster and the top root cause.
    for (const name of ['shop-batch', 'payments', 'ledger']) expect(result.stdout).toContain(name);
    expect(result.stdout).toContain(byCluster['shop-batch']!.topRootCause!.title);
    // The worst cluster decides the exit code: shop-batch has a critical finding.
    expect(result.code).toBe(1);
    // Read-only: discovery used ListClusters, and nothing but Describe/List/Get was called.
    const actions = [...log.countsByAction().keys()];
    expect(actions).toContain('eks:ListClusters');
    expect(actions.filter((a) => !/:(Describe|List|Get)/.test(a))).toEqual([]);
  });

  it('with --history keeps one history per cluster, and --metrics-file holds every cluster', async () => {
    const history = join(dir, 'history');
    const metrics = join(dir, 'fleet.prom');
    const args = ['diagnose', '--all-clusters', '--regions', 'eu-west-1,us-east-1', '--endpoint-url', mock.url, '--report-dir', join(dir, 'reports-h'), '--max-requests-per-second', '200', '--skip', 'api-server-access', '--history', history, '--metrics-file', metrics];
    await cli(args);
    const second = await cli(args);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(history).filter((d) => !d.startsWith('.')).sort()).toEqual(['111122223333_eu-west-1_shop-batch', '111122223333_us-east-1_ledger', '111122223333_us-east-1_payments']);
    for (const cluster of readdirSync(history)) {
      const kept = readdirSync(join(history, cluster)).sort();
      expect(kept).toHaveLength(2);
      const latest = JSON.parse(readFileSync(join(history, cluster, kept[1]!), 'utf8')) as Report;
      // The same cluster twice: nothing new, nothing resolved.
      expect(latest.changes).toMatchObject({ run: 2, new: [], resolved: [] });
    }
    const text = readFileSync(metrics, 'utf8');
    const clusters = new Set([...text.matchAll(/^eks_doctor_last_run_timestamp_seconds\{cluster="([^"]+)"/gm)].map((m) => m[1]));
    expect([...clusters].sort()).toEqual(['ledger', 'payments', 'shop-batch']);
    // Each family is written once, whatever the number of clusters (promtool rejects repeats).
    expect(text.match(/^# TYPE eks_doctor_findings /gm)).toHaveLength(1);
  });

  it('rejects --all-clusters without regions, and with --cluster', async () => {
    const noRegion = await cli(['diagnose', '--all-clusters', '--endpoint-url', mock.url]);
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toMatch(/--all-clusters needs the regions to audit/);
    const both = await cli(['diagnose', '--all-clusters', '--cluster', 'x', '--regions', 'eu-west-1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/drop --cluster/);
  });
});

describe('fleet exit code', () => {
  const row = (status: FleetRow['status'], exitCode: number): FleetRow => ({ region: 'r', cluster: 'c', status, critical: 0, warning: 0, info: 0, checksInError: 0, exitCode });
  it('is the worst cluster, 2 only when nothing could be audited', () => {
    expect(fleetExitCode([row('clean', 0), row('findings', 1)], false)).toBe(1);
    expect(fleetExitCode([row('clean', 0), row('failed', 2)], false)).toBe(0);
    expect(fleetExitCode([row('clean', 0), row('failed', 2)], true)).toBe(1);
    expect(fleetExitCode([row('clean', 0), row('incomplete', 0)], true)).toBe(1);
    expect(fleetExitCode([row('failed', 2), row('failed', 2)], false)).toBe(2);
    expect(fleetExitCode([], false)).toBe(0);
  });
});
