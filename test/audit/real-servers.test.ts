/**
 * The audit's metrics and alerts, read back by the real Prometheus tools (Debian packages
 * `prometheus`, `prometheus-pushgateway`, `prometheus-alertmanager`): promtool checks the metrics
 * file, a Pushgateway keeps one group per cluster, and Alertmanager's API shows an alert firing
 * after the first run, still firing after an unchanged run, and gone once the fault is fixed.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScenarios } from '../../mocks/bundled-scenarios.js';
import type { Report } from '../../src/engine/report.js';
import { VARIANT_RESOURCES, writeVariants } from '../support/report-contract.js';
import { missingBinaries, promtoolCheckMetrics, startAlertmanager, startPushgateway, type RunningServer } from '../support/real-servers.js';
import { runCli } from '../support/run-cli.js';

const missing = missingBinaries();
if (missing.length > 0) {
  console.log(`skipping the Prometheus tool tests: ${missing.join(', ')} not installed (Debian packages prometheus, prometheus-pushgateway, prometheus-alertmanager; .ci/run installs them)`);
}

const variants = writeVariants();
const baseline = listScenarios().find((s) => s.name === 'baseline')!.file;
const WARNING_KEY = 'aws-auth/duplicate-mapping:arn:aws:iam::111122223333:role/shop-prod-batch-node';

/** The snapshot as another cluster of the same account and region. */
function asCluster(file: string, name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'eks-doctor-cluster-')), `${name}.json`);
  writeFileSync(out, readFileSync(file, 'utf8').replaceAll('shop-prod', name));
  return out;
}

async function audit(live: string, snapshot: string, args: string[]): Promise<{ code: number; stderr: string; report: Report }> {
  copyFileSync(snapshot, live);
  const result = await runCli(['diagnose', '--snapshot', live, '--only', 'aws-auth', '--output', 'json', ...args]);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

/** Samples of one metric in a text exposition: labels and value. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const [, labelText, value] = /^[^{]+\{(.*)\} (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...labelText!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { labels, value: Number(value) };
    });
}

describe.skipIf(missing.length > 0)('the audit against the real Prometheus tools', () => {
  it('writes a metrics file that promtool check metrics accepts, with the findings, checks and failed calls of the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-metrics-'));
    const metricsFile = join(dir, 'textfile', 'eks-doctor.prom');
    const config = join(dir, '.eks-doctor.yaml');
    writeFileSync(config, `suppressions:\n  - id: aws-auth/node-role-not-mapped\n    keys: ['aws-auth/node-role-not-mapped:${VARIANT_RESOURCES.fargateRole}']\n    reason: test\n`);
    const sick = await runCli(['diagnose', '--snapshot', variants.critical, '--metrics-file', metricsFile, '--config', config, '--output', 'json']);
    const report = JSON.parse(sick.stdout) as Report;
    const text = readFileSync(metricsFile, 'utf8');
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
    const cluster = { cluster: 'shop-prod', account: '111122223333', region: 'eu-west-1' };
    const active = report.findings.filter((f) => f.id === 'aws-auth/node-role-not-mapped' && !f.suppressed).length;
    expect(samples(text, 'eks_doctor_findings')).toContainEqual({ labels: { ...cluster, check: 'aws-auth', id: 'aws-auth/node-role-not-mapped', severity: 'critical' }, value: active });
    expect(samples(text, 'eks_doctor_suppressed_findings').map((s) => s.value)).toEqual([report.summary.suppressed]);
    expect(report.summary.suppressed).toBe(1);
    expect(samples(text, 'eks_doctor_check_status').filter((s) => s.labels.check === 'aws-auth')).toEqual(
      ['pass', 'fail', 'error', 'skipped'].map((status) => ({ labels: { ...cluster, check: 'aws-auth', status }, value: status === 'fail' ? 1 : 0 })),
    );
    expect(samples(text, 'eks_doctor_last_success_timestamp_seconds')).toEqual([{ labels: cluster, value: new Date(report.generatedAt).getTime() / 1000 }]);
    expect(text).not.toMatch(/^eks_doctor_\S+ \S+ \d+$/m);

    await runCli(['diagnose', '--snapshot', variants.error, '--metrics-file', metricsFile, '--no-config', '--output', 'json']);
    const deniedText = readFileSync(metricsFile, 'utf8');
    expect(promtoolCheckMetrics(deniedText).status).toBe(0);
    expect(samples(deniedText, 'eks_doctor_collection_errors')).toEqual([{ labels: { ...cluster, call: 'eks:ListAccessEntries', kind: 'denied' }, value: 1 }]);
  });

  describe('a Pushgateway', () => {
    let pushgateway: RunningServer;
    beforeAll(async () => {
      pushgateway = await startPushgateway();
    });
    afterAll(() => pushgateway?.stop());

    it('keeps one group per cluster; a cluster\'s next push replaces only its own group', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-push-'));
      const args = ['--pushgateway', pushgateway.url];
      await audit(join(dir, 'a.json'), variants.critical, args);
      await audit(join(dir, 'b.json'), asCluster(variants.warning, 'shop-batch'), args);
      const groups = (await (await fetch(`${pushgateway.url}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] };
      expect(groups.data.map((g) => g.labels).sort((a, b) => a.cluster!.localeCompare(b.cluster!))).toEqual([
        { job: 'eks-doctor', account: '111122223333', region: 'eu-west-1', cluster: 'shop-batch' },
        { job: 'eks-doctor', account: '111122223333', region: 'eu-west-1', cluster: 'shop-prod' },
      ]);
      const findings = async () => samples(await (await fetch(`${pushgateway.url}/metrics`)).text(), 'eks_doctor_findings').map((s) => `${s.labels.cluster} ${s.labels.id} ${s.value}`).sort();
      expect(await findings()).toEqual(['shop-batch aws-auth/duplicate-mapping 1', 'shop-prod aws-auth/node-role-not-mapped 2']);
      // shop-prod is fixed: its group no longer has the finding; shop-batch's is untouched.
      await audit(join(dir, 'a.json'), baseline, args);
      expect(await findings()).toEqual(['shop-batch aws-auth/duplicate-mapping 1']);
    });
  });

  describe('an Alertmanager', () => {
    let alertmanager: RunningServer;
    beforeAll(async () => {
      alertmanager = await startAlertmanager();
    });
    afterAll(() => alertmanager?.stop());

    interface GettableAlert {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: string;
      endsAt: string;
      fingerprint: string;
      status: { state: string };
    }

    it('fires after the first run, still fires after an unchanged run, and resolves after the fix', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-alerts-'));
      const live = join(dir, 'live.json');
      const args = ['--history', join(dir, 'history'), '--notify', `${alertmanager.url}/api/v2/alerts`, '--schedule-interval', '600'];
      const alerts = async () => ((await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as GettableAlert[]).filter((a) => a.labels.cluster === 'shop-prod');

      const first = await audit(live, variants.warning, args);
      expect(first.stderr).toBe('');
      const firing = await alerts();
      expect(firing).toHaveLength(1);
      const finding = first.report.findings.find((f) => f.key === WARNING_KEY)!;
      expect(firing[0]).toMatchObject({
        labels: { alertname: 'aws-auth/duplicate-mapping', cluster: 'shop-prod', account: '111122223333', region: 'eu-west-1', check: 'aws-auth', severity: 'warning', key: WARNING_KEY },
        annotations: { title: finding.title, root_cause: finding.rootCause, fix_command: finding.fix.commands[0] },
        startsAt: first.report.generatedAt,
        status: { state: 'active' },
      });
      // Two schedule intervals (2 x 600 s) after the run that sent it.
      const endsIn = (new Date(firing[0]!.endsAt).getTime() - new Date(first.report.generatedAt).getTime()) / 1000;
      expect(endsIn).toBeGreaterThanOrEqual(1200);
      expect(endsIn).toBeLessThan(1200 + 60);

      const second = await audit(live, variants.warning, args);
      const stillFiring = await alerts();
      expect(stillFiring.map((a) => [a.fingerprint, a.status.state, a.startsAt])).toEqual([[firing[0]!.fingerprint, 'active', first.report.generatedAt]]);
      expect(new Date(stillFiring[0]!.endsAt).getTime()).toBeGreaterThanOrEqual(new Date(second.report.generatedAt).getTime() + 1200_000);

      const fixed = await audit(live, baseline, args);
      expect(fixed.report.changes!.resolved).toEqual([WARNING_KEY]);
      expect(await alerts()).toEqual([]);
    });
  });
});
