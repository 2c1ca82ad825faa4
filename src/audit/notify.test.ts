import { describe, expect, it } from 'vitest';
import { finding, lowIps, makeReport, oldAddon, rootCause } from '../../test/tui/report-fixture.js';
import type { Report } from '../engine/report.js';
import { reportChanges } from './changes.js';
import { alertmanagerAlerts, changedFindings, notifyAll, slackMessage, webhookPayload } from './notify.js';
import { formatFromUrl, notifyTarget } from './options.js';

const at = (hour: number) => `2026-11-26T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** Two consecutive runs as the history would record them. */
function runs(before: Report, after: Report) {
  before.changes = reportChanges(undefined, before, 1);
  const report = { ...after, changes: reportChanges(before, after, 2) };
  return { report, base: before };
}

describe('Alertmanager alerts', () => {
  const now = new Date(at(2));
  const hours = (h: number) => new Date(now.getTime() + h * 3600_000).toISOString();

  it('re-sends every open finding until two intervals from now, and ends a resolved one now, from when it was first seen', () => {
    const entry = runs(makeReport([rootCause, lowIps], { generatedAt: at(1) }), makeReport([rootCause], { generatedAt: at(2) }));
    const alerts = alertmanagerAlerts(entry, now, 3600);
    expect(alerts.map((a) => [a.labels.key, a.startsAt, a.endsAt])).toEqual([
      [rootCause.key, at(1), hours(2)],
      [lowIps.key, at(1), now.toISOString()],
    ]);
    expect(alerts[0]).toEqual({
      labels: { alertname: rootCause.id, cluster: 'demo-cluster', account: '111122223333', region: 'eu-west-1', check: 'aws-auth', severity: 'critical', key: rootCause.key },
      annotations: { title: rootCause.title, root_cause: rootCause.rootCause, fix_command: rootCause.fix.commands[0], runbook_url: rootCause.fix.docs[0] },
      startsAt: at(1),
      endsAt: hours(2),
    });
  });

  it('a severity that changes ends the alert with the old severity label and fires the new one', () => {
    const worse = { ...oldAddon, severity: 'warning' as const };
    const entry = runs(makeReport([oldAddon], { generatedAt: at(1) }), makeReport([worse], { generatedAt: at(2) }));
    expect(alertmanagerAlerts(entry, now, 3600).map((a) => [a.labels.severity, a.endsAt])).toEqual([
      ['warning', hours(2)],
      ['info', now.toISOString()],
    ]);
  });

  it('keeps firing what a check found last time when it could not run this time', () => {
    const before = makeReport([lowIps], { generatedAt: at(1) });
    const after = makeReport([], { generatedAt: at(2) });
    after.checks = after.checks.map((c) => (c.id === 'subnets' ? { ...c, status: 'error', reason: 'denied', findings: 0 } : c));
    const entry = runs(before, after);
    expect(entry.report.changes.resolved).toEqual([]);
    expect(alertmanagerAlerts(entry, now, 3600).map((a) => [a.labels.key, a.startsAt, a.endsAt])).toEqual([[lowIps.key, at(1), hours(2)]]);
  });
});

describe('Slack and the JSON webhook', () => {
  it('carry only what changed; nothing is sent when nothing did', async () => {
    const same = runs(makeReport([rootCause], { generatedAt: at(1) }), makeReport([rootCause], { generatedAt: at(2) }));
    expect(changedFindings(same)).toEqual({ new: [], escalated: [], resolved: [] });
    // Port 9 (discard) on loopback refuses: a send would fail, so "skipped" proves none was tried.
    const outcomes = await notifyAll(same, [notifyTarget('http://127.0.0.1:9/hook'), notifyTarget('slack=http://127.0.0.1:9/s')], { env: {}, now: new Date(at(2)), scheduleIntervalSeconds: 3600, warn: () => {} });
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);

    const escalated = { ...oldAddon, severity: 'critical' as const };
    const changed = runs(makeReport([rootCause, oldAddon], { generatedAt: at(1) }), makeReport([escalated, lowIps], { generatedAt: at(2) }));
    const payload = webhookPayload(changed.report, changedFindings(changed));
    expect(payload.new.map((f) => f.key)).toEqual([lowIps.key]);
    expect(payload.escalated.map((f) => [f.key, f.from, f.severity, f.firstSeen])).toEqual([[oldAddon.key, 'info', 'critical', at(1)]]);
    expect(payload.resolved.map((f) => f.key)).toEqual([rootCause.key]);
  });

  it('Slack: Block Kit within its limits, mrkdwn escaped, a long list cut with a count', () => {
    const many = Array.from({ length: 45 }, (_, i) => finding({ id: 'nodes/not-ready', severity: 'warning', title: `Node <n${i}> & co`, resources: [{ type: 'k8s:Node', id: `n${i}` }] }));
    const entry = runs(makeReport([], { generatedAt: at(1) }), makeReport(many, { generatedAt: at(2) }));
    const message = slackMessage(entry.report, changedFindings(entry));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks).toHaveLength(1 + 1 + 40 + 1 + 1);
    const texts = message.blocks.map((b) => (b as { text?: { text: string } }).text?.text ?? '');
    expect(texts[2]).toContain('*New warning*: Node &lt;n0&gt; &amp; co');
    expect(texts[42]).toBe('…and 5 more: see the report');
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
  });
});

describe('--notify targets', () => {
  it('take their format from a prefix, from --notify-format, or from the URL', () => {
    expect(formatFromUrl(new URL('https://hooks.slack.com/services/T/B/X'))).toBe('slack');
    expect(formatFromUrl(new URL('http://alertmanager-operated.monitoring:9093/api/v2/alerts'))).toBe('alertmanager');
    expect(formatFromUrl(new URL('https://example.com/hooks/eks'))).toBe('webhook');
    expect(notifyTarget('slack=https://chat-proxy.internal/x?a=b')).toEqual({ format: 'slack', url: 'https://chat-proxy.internal/x?a=b' });
    expect(notifyTarget('https://chat-proxy.internal/x', 'slack').format).toBe('slack');
    expect(notifyTarget('alertmanager=https://am.internal/api/v2/alerts', 'slack').format).toBe('alertmanager');
  });
});
