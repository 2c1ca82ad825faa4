/**
 * A scheduled audit run after run against snapshots where a fault appears, stays, then is fixed:
 * the history's `changes`, and what a Slack incoming webhook and a JSON webhook (a local HTTP
 * server here) receive: exactly one `new`, then nothing, then one `resolved`.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScenarios } from '../../mocks/bundled-scenarios.js';
import type { WebhookPayload } from '../../src/audit/notify.js';
import type { Report } from '../../src/engine/report.js';
import { reportValidator, writeVariants } from '../support/report-contract.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { runCli } from '../support/run-cli.js';

const variants = writeVariants();
const scenarioFile = (name: string) => listScenarios().find((s) => s.name === name)!.file;
const baseline = scenarioFile('baseline');
const WARNING_KEY = 'aws-auth/duplicate-mapping:arn:aws:iam::111122223333:role/shop-prod-batch-node';
const SLACK_PATH = '/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await startHttpReceiver();
});
afterAll(() => receiver.close());

interface SlackMessage {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
}

/** One run of the audit on `snapshot` (copied to the live file first); its JSON report from stdout. */
async function auditRun(live: string, snapshot: string, args: string[]) {
  copyFileSync(snapshot, live);
  const result = await runCli(['diagnose', '--snapshot', live, '--only', 'aws-auth', '--output', 'json', ...args]);
  return { ...result, report: JSON.parse(result.stdout) as Report };
}

describe('a scheduled audit with --history and --notify', () => {
  it('tells the webhooks once when a fault appears, nothing while it stays, once when it is fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const live = join(dir, 'live.json');
    const history = join(dir, 'history');
    const args = ['--history', history, '--notify', `${receiver.url}/hook`, '--notify', `slack=${receiver.url}${SLACK_PATH}`];
    const posts = () => ({ hook: receiver.json<WebhookPayload>('/hook'), slack: receiver.json<SlackMessage>(SLACK_PATH) });

    const healthy = await auditRun(live, baseline, args);
    expect(healthy.report.changes).toMatchObject({ run: 1, new: [], resolved: [] });
    expect(posts().hook).toHaveLength(0);

    const broken = await auditRun(live, variants.warning, args);
    expect(broken.report.changes).toMatchObject({ run: 2, new: [WARNING_KEY], resolved: [], previousGeneratedAt: healthy.report.generatedAt });
    expect(posts().hook).toHaveLength(1);
    const appeared = posts().hook[0]!;
    expect(appeared).toMatchObject({ kind: 'eks-doctor.changes', cluster: { name: 'shop-prod', region: 'eu-west-1', accountId: '111122223333' }, run: 2, escalated: [], resolved: [] });
    expect(appeared.new.map((f) => [f.key, f.severity, f.firstSeen])).toEqual([[WARNING_KEY, 'warning', broken.report.generatedAt]]);
    expect(appeared.new[0]!.fix.command).toBe(broken.report.findings.find((f) => f.key === WARNING_KEY)!.fix.commands[0]);

    const stays = await auditRun(live, variants.warning, args);
    expect(stays.report.changes).toMatchObject({ run: 3, new: [], resolved: [], unchanged: [{ key: WARNING_KEY, firstSeen: broken.report.generatedAt }] });
    expect(posts().hook).toHaveLength(1);
    expect(posts().slack).toHaveLength(1);

    const fixed = await auditRun(live, baseline, args);
    expect(fixed.report.changes).toMatchObject({ run: 4, new: [], resolved: [WARNING_KEY] });
    expect(posts().hook).toHaveLength(2);
    expect(posts().hook[1]).toMatchObject({ run: 4, new: [], escalated: [], resolved: [{ key: WARNING_KEY, severity: 'warning' }] });

    // Slack got the same two messages, as Block Kit: cluster, severity, title and the fix command.
    const [slackNew, slackResolved] = posts().slack;
    const text = (m: SlackMessage) => m.blocks.map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(' ') ?? '').join('\n');
    expect(slackNew!.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'eks-doctor: shop-prod (111122223333, eu-west-1)' } });
    expect(text(slackNew!)).toContain('*New warning*: ');
    expect(text(slackNew!)).toContain(`\`\`\`${appeared.new[0]!.fix.command!.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}\`\`\``);
    expect(slackNew!.text).toBe('eks-doctor: shop-prod (111122223333, eu-west-1): 1 new, 0 escalated, 0 resolved');
    expect(text(slackResolved!)).toContain(':white_check_mark: *Resolved* (was warning)');
    expect(receiver.requests.filter((r) => r.path === SLACK_PATH).every((r) => r.method === 'POST' && r.contentType === 'application/json')).toBe(true);

    // Every report kept is a valid 1.1 report with its changes.
    const clusterDir = join(history, '111122223333_eu-west-1_shop-prod');
    const kept = readdirSync(clusterDir).sort().map((f) => JSON.parse(readFileSync(join(clusterDir, f), 'utf8')) as Report);
    expect(kept.map((r) => r.changes!.run)).toEqual([1, 2, 3, 4]);
    const validate = reportValidator();
    for (const report of [...kept, fixed.report]) expect(validate(report) ? [] : validate.errors).toEqual([]);
  });

  it('a check that could not run resolves nothing, and re-opens nothing when it runs again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const live = join(dir, 'live.json');
    const path = '/hook-partial';
    const args = ['--history', join(dir, 'history'), '--notify', `webhook=${receiver.url}${path}`];
    await auditRun(live, variants.warning, args);
    const blind = await auditRun(live, variants.error, args);
    expect(blind.report.checks.find((c) => c.id === 'aws-auth')!.status).toBe('error');
    expect(blind.report.changes).toMatchObject({ new: [], resolved: [] });
    const again = await auditRun(live, variants.warning, args);
    expect(again.report.changes).toMatchObject({ new: [], resolved: [] });
    // First seen in the first run, across the run that could not look.
    expect(again.report.changes!.unchanged).toEqual([{ key: WARNING_KEY, firstSeen: (await firstReport(join(dir, 'history'))).generatedAt }]);
    expect(receiver.json<WebhookPayload>(path).map((p) => p.new.length)).toEqual([1]);
  });

  it('a notification that fails is said on stderr, without its URL, and changes neither the report nor the exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const live = join(dir, 'live.json');
    receiver.answer('/services/T1/B1/broken', 500, 'internal_error');
    const plain = await auditRun(live, variants.critical, []);
    const failing = await auditRun(live, variants.critical, ['--history', join(dir, 'history'), '--notify', `slack=${receiver.url}/services/T1/B1/broken`, '--notify', 'http://127.0.0.1:9/closed']);
    expect(failing.code).toBe(plain.code);
    expect(failing.code).toBe(1);
    expect(failing.report.findings.map((f) => f.key)).toEqual(plain.report.findings.map((f) => f.key));
    expect(failing.stderr).toContain(`eks-doctor: could not notify slack at ${new URL(receiver.url).host}: HTTP 500: internal_error (the report and the exit code are unaffected)`);
    expect(failing.stderr).toMatch(/could not notify webhook at 127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(failing.stderr).not.toContain('/services/T1/B1/broken');
  });

  it('keeps the last --history-keep reports per cluster and counts runs on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const live = join(dir, 'live.json');
    const history = join(dir, 'history');
    let last: Report | undefined;
    for (let i = 0; i < 4; i++) last = (await auditRun(live, variants.critical, ['--history', history, '--history-keep', '2'])).report;
    expect(readdirSync(join(history, '111122223333_eu-west-1_shop-prod'))).toHaveLength(2);
    expect(last!.changes!.run).toBe(4);
  });

  it('with --redact, pseudonyms stay the same from run to run, so redacted keys do not look new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const scenario = scenarioFile('nodes-notready-aws-node-crashloop');
    const run = () => runCli(['diagnose', '--snapshot', scenario, '--redact', '--history', join(dir, 'history'), '--output', 'json']).then((r) => JSON.parse(r.stdout) as Report);
    const first = await run();
    const nodeKeys = first.findings.map((f) => f.key).filter((k) => k.startsWith('node-conditions/node-not-ready:ip-'));
    expect(nodeKeys.length).toBeGreaterThan(0);
    expect(nodeKeys.some((k) => k.includes('ip-10-0-1-10.'))).toBe(false);
    const second = await run();
    expect(second.changes).toMatchObject({ new: [], resolved: [] });
    expect(second.changes!.unchanged!.map((u) => u.key)).toEqual(expect.arrayContaining(nodeKeys));
  });

  it('the last-success time of the metrics is carried over a run that could not check the cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-audit-'));
    const live = join(dir, 'live.json');
    const metrics = join(dir, 'eks-doctor.prom');
    const args = ['--history', join(dir, 'history'), '--metrics-file', metrics];
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(readFileSync(metrics, 'utf8'))![1]);
    const ok = await auditRun(live, variants.warning, args);
    expect(value('eks_doctor_last_success_timestamp_seconds')).toBe(Date.parse(ok.report.generatedAt) / 1000);
    const blind = await auditRun(live, variants.error, args);
    expect(blind.code).toBe(2);
    expect(value('eks_doctor_last_run_timestamp_seconds')).toBe(Date.parse(blind.report.generatedAt) / 1000);
    expect(value('eks_doctor_last_success_timestamp_seconds')).toBe(Date.parse(ok.report.generatedAt) / 1000);
  });

  it('rejects --notify without --history, audit options with --watch, and URLs that are not http(s)', async () => {
    const noHistory = await runCli(['diagnose', '--snapshot', baseline, '--notify', 'https://hooks.slack.com/services/T/B/X']);
    expect(noHistory.code).toBe(2);
    expect(noHistory.stderr).toContain('--notify needs --history DIR');
    const watch = await runCli(['diagnose', '--snapshot', baseline, '--watch', '0', '--watch-count', '1', '--metrics-file', '/tmp/x.prom']);
    expect(watch.stderr).toContain('--metrics-file is for scheduled runs; it does not combine with --watch');
    const ftp = await runCli(['diagnose', '--snapshot', baseline, '--history', '/tmp/h', '--notify', 'ftp://example.com/x']);
    expect(ftp.stderr).toContain("--notify needs an http:// or https:// URL; got 'ftp://example.com/x'");
  });
});

async function firstReport(history: string): Promise<Report> {
  const dir = join(history, '111122223333_eu-west-1_shop-prod');
  return JSON.parse(readFileSync(join(dir, readdirSync(dir).sort()[0]!), 'utf8')) as Report;
}
