/**
 * Issue 20: the change that caused a fault is attached to its root cause, with who and when, in
 * the JSON (evidence and `changeHistory`), the text and the markdown; a denied CloudTrail costs the
 * timeline only; --redact hides session names, user names and addresses; --no-change-history turns
 * it all off. Offline, from the scenarios' own change data (test/live/change-history-live.test.ts
 * reads the same data through the mock).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../mocks/bundled-scenarios.js';
import { CI_ACTOR, CONSOLE_USER, SSO_ACTOR } from '../mocks/faults/changes.js';
import { diagnoseSnapshot } from '../src/engine/diagnose.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import type { Report } from '../src/engine/report.js';
import { CHANGED_RECENTLY } from '../src/enrich/attach.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { Redactor, redactSnapshot } from '../src/snapshot/redact.js';
import { runCli } from './support/run-cli.js';

const diagnostics = await loadDiagnostics();

async function diagnose(name: string, options: { redact?: boolean; history?: false } = {}): Promise<Report> {
  const scenario = loadScenario(name);
  const snapshot = options.redact ? redactSnapshot(scenario, new Redactor(Buffer.alloc(32))) : scenario;
  return diagnoseSnapshot(snapshot, { diagnostics, toolVersion: 'test', generatedAt: new Date(snapshot.capturedAt), ...(options.history === false ? { changeHistory: false as const } : {}) });
}

const changedLines = (report: Report, id: string) => report.findings.find((f) => f.id === id)!.evidence.filter((e) => e.startsWith(CHANGED_RECENTLY));

/** Each scenario: the root cause, the change's line in its evidence (exactly), and the change in `changeHistory`. */
const CASES = [
  {
    scenario: 'nat-gateway-deleted-by-ci',
    rootCause: 'routes-egress/default-route-blackhole',
    line: `${CHANGED_RECENTLY} DeleteNatGateway nat-0f1e2d3c4b5a69788 by assumed-role/terraform-ci/gitlab-pipeline-48213 from 52.94.133.131, 50 min before the diagnosis (2026-11-20T02:22:00.000Z).`,
    change: { source: 'cloudtrail', action: 'DeleteNatGateway', time: '2026-11-20T02:22:00.000Z', actor: CI_ACTOR, sourceAddress: '52.94.133.131', resource: { type: 'aws:ec2:nat-gateway', id: 'nat-0f1e2d3c4b5a69788' } },
  },
  {
    scenario: 'node-policy-detached-by-admin',
    rootCause: 'node-iam-role/worker-node-policy-missing',
    line: `${CHANGED_RECENTLY} DetachRolePolicy arn:aws:iam::111122223333:role/shop-prod-node-role by assumed-role/AWSReservedSSO_AdministratorAccess_4f1e2d3c4b5a6978/jane.doe@example.com from 198.51.100.23, 2 h 5 min before the diagnosis (2026-11-20T01:07:00.000Z).`,
    change: { source: 'cloudtrail', action: 'DetachRolePolicy', time: '2026-11-20T01:07:00.000Z', actor: SSO_ACTOR, sourceAddress: '198.51.100.23', resource: { type: 'aws:iam:role', id: 'arn:aws:iam::111122223333:role/shop-prod-node-role' } },
  },
  {
    scenario: 'vpc-cni-updated-to-incompatible',
    rootCause: 'addon-versions/managed-addon-incompatible',
    line: `${CHANGED_RECENTLY} AddonUpdate vpc-cni (Successful: AddonVersion=v1.16.0-eksbuild.1, ResolveConflicts=OVERWRITE), 25 min before the diagnosis (2026-11-20T02:47:00.000Z).`,
    change: { source: 'eks-update', action: 'AddonUpdate', time: '2026-11-20T02:47:00.000Z', status: 'Successful', resource: { type: 'aws:eks:addon', id: 'vpc-cni' } },
  },
  {
    scenario: 'aws-auth-edited',
    rootCause: 'aws-auth/node-role-not-mapped',
    line: `${CHANGED_RECENTLY} Update of ConfigMap kube-system/aws-auth by kubectl-edit, 3 h 5 min before the diagnosis (2026-11-20T00:07:00.000Z).`,
    change: { source: 'managed-fields', action: 'Update', time: '2026-11-20T00:07:00.000Z', actor: 'kubectl-edit', resource: { type: 'k8s:ConfigMap', id: 'kube-system/aws-auth' } },
  },
  {
    scenario: 'sg-egress-revoked',
    rootCause: 'security-groups/node-egress-blocked',
    line: `${CHANGED_RECENTLY} RevokeSecurityGroupEgress sg-0b7c8d9e0f1a2b3c4 by user/ops-oncall from 203.0.113.77, 9 h 4 min before the diagnosis (2026-11-19T18:08:00.000Z).`,
    change: { source: 'cloudtrail', action: 'RevokeSecurityGroupEgress', time: '2026-11-19T18:08:00.000Z', actor: CONSOLE_USER, sourceAddress: '203.0.113.77', resource: { type: 'aws:ec2:security-group', id: 'sg-0b7c8d9e0f1a2b3c4' } },
  },
] as const;

describe.each(CASES)('scenario $scenario', ({ scenario, rootCause, line, change }) => {
  it('attaches the change to the root cause with its actor and time, and links it in changeHistory', async () => {
    const report = await diagnose(scenario);
    const cause = report.findings.find((f) => f.id === rootCause)!;
    expect(cause.explains.length, 'a root cause').toBeGreaterThan(0);
    expect(cause.explainedBy).toEqual([]);
    expect(changedLines(report, rootCause)).toContain(line);
    const found = report.changeHistory!.changes.filter((c) => c.action === change.action);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject(change);
    expect(found[0]!.findings).toContain(cause.key);
    // Symptoms carry no change of their own: the cause does.
    for (const key of cause.explains) expect(report.findings.find((f) => f.key === key)!.evidence.some((e) => e.startsWith(CHANGED_RECENTLY)), key).toBe(false);
  });

  it('shows the change after the root causes in the text and the markdown', async () => {
    const report = await diagnose(scenario);
    const text = renderText(report);
    const history = text.indexOf('WHAT CHANGED BEFORE THE DIAGNOSIS');
    expect(history).toBeGreaterThan(text.indexOf('ROOT CAUSES'));
    expect(text.slice(history)).toContain(change.action);
    expect(text.slice(history)).toMatch(new RegExp(`touches .*${report.findings.find((f) => f.id === rootCause)!.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const markdown = renderMarkdown(report);
    expect(markdown.indexOf('## What changed before the diagnosis')).toBeGreaterThan(markdown.indexOf('## Root causes'));
    expect(markdown).toContain(change.action);
  });

  it('--no-change-history leaves the report as it was before issue 20', async () => {
    const report = await diagnose(scenario, { history: false });
    expect(report.changeHistory).toBeUndefined();
    for (const f of report.findings) expect(f.evidence.some((e) => e.startsWith(CHANGED_RECENTLY)), f.key).toBe(false);
  });
});

describe('changes in time order', () => {
  it('lists every change newest first, the evidence too', async () => {
    const report = await diagnose('aws-auth-edited');
    const times = report.changeHistory!.changes.map((c) => Date.parse(c.time));
    expect(times.length).toBeGreaterThan(1);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // eksctl wrote aws-auth 40 days ago: outside the 24-hour window, not a recent change.
    expect(report.changeHistory!.changes.some((c) => c.actor === 'eksctl')).toBe(false);
    const lines = changedLines(report, 'aws-auth/node-role-not-mapped');
    expect(lines.findIndex((l) => l.includes('Launching a new EC2 instance'))).toBeLessThan(lines.findIndex((l) => l.includes('kubectl-edit')));
  });
});

describe('CloudTrail denied (AccessDenied on LookupEvents)', () => {
  it('loses only the timeline: the same findings, links and evidence as with the history, less its CloudTrail lines', async () => {
    const denied = await diagnose('nat-gateway-deleted-history-denied');
    const allowed = await diagnose('nat-gateway-deleted-by-ci');
    const outline = (r: Report) => r.findings.map((f) => ({ key: f.key, severity: f.severity, explains: f.explains, explainedBy: f.explainedBy, evidence: f.evidence.filter((e) => !e.startsWith(CHANGED_RECENTLY)) }));
    expect(outline(denied)).toEqual(outline(allowed));
    expect(denied.checks.map((c) => `${c.id}:${c.status}:${c.incomplete ? 'incomplete' : ''}`)).toEqual(allowed.checks.map((c) => `${c.id}:${c.status}:${c.incomplete ? 'incomplete' : ''}`));
    expect(changedLines(denied, 'routes-egress/default-route-blackhole')).toEqual([]);
    const cloudTrail = denied.changeHistory!.sources.find((s) => s.source === 'cloudtrail')!;
    expect(cloudTrail.status).toBe('failed');
    expect(cloudTrail.detail).toContain('grant cloudtrail:LookupEvents');
    expect(denied.collectionErrors.map((e) => `${e.part} ${e.call} ${e.kind}`)).toEqual(['aws.cloudTrailLookups cloudtrail:LookupEvents denied']);
    // Said where the person looks, and never worded as "nothing changed".
    const text = renderText(denied);
    expect(text).toContain('CloudTrail could not be read: cloudtrail:LookupEvents AccessDeniedException (grant cloudtrail:LookupEvents)');
    expect(text).not.toMatch(/nothing changed|no change(s)? (was|were) made/i);
  });
});

describe('--redact', () => {
  it('replaces the session name, the user name, the account and the source address; keeps the role that acted', async () => {
    for (const name of ['node-policy-detached-by-admin', 'sg-egress-revoked', 'nat-gateway-deleted-by-ci']) {
      const report = await diagnose(name, { redact: true });
      const json = JSON.stringify(report);
      for (const secret of ['jane.doe@example.com', 'ops-oncall', 'gitlab-pipeline-48213', '111122223333', '198.51.100.23', '203.0.113.77', '52.94.133.131']) expect(json, `${name}: ${secret}`).not.toContain(secret);
      const change = report.changeHistory!.changes.find((c) => c.source === 'cloudtrail')!;
      expect(change.actor).toMatch(/^arn:aws:(sts::\d{12}:assumed-role\/(AWSReservedSSO_AdministratorAccess_4f1e2d3c4b5a6978|terraform-ci)\/session-\d+|iam::\d{12}:user\/user-\d+)$/);
      expect(change.sourceAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });
});

describe('through the CLI', () => {
  it('diagnose --snapshot shows the change in text; --no-change-history does not; --change-window is checked', async () => {
    const file = loadScenarioFile('nat-gateway-deleted-by-ci');
    const shown = await runCli(['diagnose', '--snapshot', file, '--output', 'text', '--no-color']);
    expect(shown.stdout).toContain('WHAT CHANGED BEFORE THE DIAGNOSIS (1)');
    expect(shown.stdout).toContain('DeleteNatGateway nat-0f1e2d3c4b5a69788 by assumed-role/terraform-ci/gitlab-pipeline-48213');
    const off = await runCli(['diagnose', '--snapshot', file, '--output', 'json', '--no-change-history']);
    expect((JSON.parse(off.stdout) as Report).changeHistory).toBeUndefined();
    const wrong = await runCli(['diagnose', '--snapshot', file, '--change-window', '5000']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--change-window must be at most 2160 hours');
  });
});

function loadScenarioFile(name: string): string {
  return new URL(`../mocks/scenarios/${name}.json`, import.meta.url).pathname;
}
