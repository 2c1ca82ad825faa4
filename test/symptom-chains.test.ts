/**
 * The chain from root causes to symptoms, end to end through the CLI, in every format a person or a
 * script reads: on a scenario with two faults each root cause comes first with exactly its
 * symptoms under it; a symptom no cause explains says what was ruled out and what could not be
 * checked, and why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/engine/finding.js';
import type { Report } from '../src/engine/report.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { mutate } from './support/diagnostic-tester.js';
import { runCli } from './support/run-cli.js';

const TWO_FAULTS = ['kube-proxy-broken-and-lb-pending', 'cni-crash-and-subnet-exhausted'];

async function report(file: string): Promise<Report> {
  const { stdout } = await runCli(['diagnose', '--snapshot', file, '--output', 'json']);
  return JSON.parse(stdout) as Report;
}

const isRoot = (f: Finding) => f.explains.length > 0 && f.explainedBy.length === 0;

describe.each(TWO_FAULTS)('two faults at once: %s', (name) => {
  const scenario = listScenarios().find((s) => s.name === name)!;

  it('JSON: root causes first, in the expected order; every symptom points to a cause that points back', async () => {
    const r = await report(scenario.file);
    const active = r.findings.filter((f) => !f.suppressed);
    const roots = active.filter(isRoot);
    expect(roots.map((f) => f.id)).toEqual(scenario.expectedRootCauses);
    expect(active.slice(0, roots.length)).toEqual(roots);
    const byKey = new Map(active.map((f) => [f.key, f]));
    const symptoms = active.filter((f) => f.symptom);
    expect(symptoms.length).toBeGreaterThan(roots.length);
    for (const s of symptoms) {
      // A symptom that heads its own chain (aws-node crashing, with nothing deeper found) is a root
      // cause; it must then say what was ruled out instead of pointing at a cause.
      if (s.explainedBy.length === 0 && s.explains.length > 0) {
        expect(s.unexplained, `${s.key} says what was ruled out`).toBeDefined();
        continue;
      }
      expect(s.explainedBy, `${s.key} is explained`).not.toEqual([]);
      for (const k of s.explainedBy) expect(byKey.get(k)?.explains, `${k} lists ${s.key}`).toContain(s.key);
    }
    // Each root cause explains only its own fault's symptoms: no symptom is shared between them.
    const [first, second] = roots;
    expect(first!.explains.filter((k) => second!.explains.includes(k))).toEqual([]);
  });

  it('text: each symptom is listed under its own root cause, and marked as explained by it', async () => {
    const r = await report(scenario.file);
    const { stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'text']);
    const roots = r.findings.filter(isRoot);
    const sections = stdout.split(/\n(?=\d+\. \[)/);
    for (const [i, root] of roots.entries()) {
      const section = sections.find((s) => s.startsWith(`${i + 1}. [${root.severity}] ${root.title}`));
      expect(section, `section for ${root.key}`).toBeDefined();
      expect(section).toContain(`Explains ${root.explains.length} symptom`);
      for (const k of root.explains) expect(section, `${k} under ${root.key}`).toContain(k);
      for (const other of roots.filter((x) => x !== root)) for (const k of other.explains) expect(section!.split('Explains')[1]).not.toContain(k);
    }
    expect(stdout.indexOf('ROOT CAUSES')).toBeLessThan(stdout.indexOf('OTHER FINDINGS') === -1 ? Infinity : stdout.indexOf('OTHER FINDINGS'));
  });

  it('text and markdown list each finding once, and the summary says how the counts relate to the rows', async () => {
    const r = await report(scenario.file);
    const active = r.findings.filter((f) => !f.suppressed);
    const roots = active.filter(isRoot);
    const text = (await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'text'])).stdout;
    const markdown = (await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'markdown'])).stdout;
    for (const f of active) {
      // A finding listed on its own has one block (severity and title); a symptom with a cause is a
      // line under that cause instead.
      const blocks = f.explainedBy.length > 0 ? 0 : 1;
      expect(text.split(`[${f.severity}] ${f.title}  `).length - 1, `${f.key} in text`).toBe(blocks);
      expect(markdown.split(`\`${f.severity}\` ${f.title}\n`).length - 1, `${f.key} in markdown`).toBe(blocks);
    }
    // A root cause that nothing explains in turn says so under its own heading.
    for (const root of roots.filter((f) => f.unexplained)) {
      const block = text.slice(text.indexOf(`[${root.severity}] ${root.title}`));
      expect(block.slice(0, block.indexOf('\n\n'))).toMatch(/Itself a symptom without a found cause\.\n {3}Ruled out: /);
    }
    const explained = new Set(roots.flatMap((f) => f.explains)).size;
    const summary = text.trimEnd().split('\n').at(-1)!;
    expect(summary).toMatch(new RegExp(`^${roots.length} root causes explaining ${explained} symptoms?, .*\\(${active.length} findings: ${r.summary.critical} critical, `));
  });

  it('markdown: the same chain under "Root causes"', async () => {
    const r = await report(scenario.file);
    const { stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', 'markdown']);
    const roots = r.findings.filter(isRoot);
    const rootSection = stdout.slice(stdout.indexOf('## Root causes'), stdout.indexOf('\n## ', stdout.indexOf('## Root causes') + 1));
    for (const [i, root] of roots.entries()) {
      const start = rootSection.indexOf(`### ${i + 1}. \`${root.severity}\` ${root.title}`);
      expect(start, root.key).toBeGreaterThanOrEqual(0);
      const next = rootSection.indexOf(`### ${i + 2}. `, start);
      const block = rootSection.slice(start, next === -1 ? undefined : next);
      for (const k of root.explains) expect(block).toContain(`(\`${k}\`)`);
    }
  });
});

describe('a symptom with no cause found', () => {
  // A node group whose update is stuck on a PodDisruptionBudget: nothing in the catalogue explains
  // PodEvictionFailure. The subnets could not be read, so the subnets check could not run.
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-chain-'));
  const file = join(dir, 'unexplained.json');
  writeFileSync(
    file,
    JSON.stringify(
      mutate((s) => {
        const group = s.aws.nodegroups![0]!;
        group.status = 'ACTIVE';
        group.health = { issues: [{ code: 'PodEvictionFailure', message: 'Reached max retries while trying to evict pods from nodes in node group general', resourceIds: [] }] };
        delete s.aws.subnets;
        s.errors.push({ part: 'aws.subnets', call: 'ec2:DescribeSubnets', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeSubnets' });
      }),
    ),
  );

  it('JSON: lists the checks that ruled themselves out and those that could not run, with why', async () => {
    const r = await report(file);
    const symptom = r.findings.find((f) => f.id === 'nodegroup-health/pod-eviction-failure')!;
    expect(symptom.explainedBy).toEqual([]);
    expect(symptom.unexplained!.ruledOut).toEqual(expect.arrayContaining(['aws-auth', 'node-iam-role']));
    expect(symptom.unexplained!.couldNotCheck).toEqual(expect.arrayContaining([{ check: 'subnets', reason: expect.stringContaining('ec2:DescribeSubnets') }]));
    expect(symptom.unexplained!.ruledOut).not.toContain('subnets');
    // security-groups ran, but without the subnets it uses: it has not ruled its causes out.
    expect(symptom.unexplained!.ruledOut).not.toContain('security-groups');
    expect(symptom.unexplained!.couldNotCheck).toContainEqual({ check: 'security-groups', reason: expect.stringMatching(/^ran without some of its data: could not read subnets: ec2:DescribeSubnets was denied/) });
  });

  it('text and markdown say the same', async () => {
    const text = (await runCli(['diagnose', '--snapshot', file, '--output', 'text'])).stdout;
    const block = text.slice(text.indexOf('SYMPTOMS WITHOUT A FOUND CAUSE'));
    expect(block).toMatch(/Ruled out: .*aws-auth.*node-iam-role/);
    expect(block).toMatch(/Could not check subnets: .*ec2:DescribeSubnets/);
    const markdown = (await runCli(['diagnose', '--snapshot', file, '--output', 'markdown'])).stdout;
    const section = markdown.slice(markdown.indexOf('## Symptoms without a found cause'));
    expect(section).toMatch(/\*\*Ruled out:\*\* .*`aws-auth`/);
    expect(section).toMatch(/- Could not check `subnets`: .*ec2:DescribeSubnets/);
  });
});

describe('a symptom explained through another symptom', () => {
  it('text and Markdown list it under the root cause, after the symptom it comes through (a taint, CoreDNS Pending, CoreDNS below its replicas)', async () => {
    const scenario = listScenarios().find((s) => s.name === 'coredns-pending-untolerated-taint')!;
    for (const format of ['text', 'markdown']) {
      const { stdout } = await runCli(['diagnose', '--snapshot', scenario.file, '--output', format, '--no-color', '--no-change-history']);
      const pending = stdout.indexOf('unschedulable-pods/unschedulable:kube-system/coredns:taint');
      const coredns = stdout.indexOf('addon-health/coredns-unavailable:kube-system/coredns');
      expect(pending, format).toBeGreaterThan(stdout.indexOf('node-taints/untolerated-taint'));
      expect(coredns, format).toBeGreaterThan(pending);
      expect(stdout, format).toMatch(/Explains 2 symptoms/);
    }
  });
});
