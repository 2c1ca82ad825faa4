/**
 * --watch without a terminal: one JSON report per line, each with the keys new and resolved since
 * the previous one. Bounded with --watch-count and --watch 0 so the tests end by themselves; the
 * snapshot is rewritten from the stdout writer, between one run and the next, so nothing depends on timing.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseCommandArgs, type CommandIo } from '../src/cli/command.js';
import { diagnoseCommand } from '../src/cli/commands/diagnose.js';
import { reportSettings } from '../src/cli/report-settings.js';
import { watchNdjson } from '../src/cli/watch-ndjson.js';
import type { Report, ReportChanges } from '../src/engine/report.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { reportValidator, VARIANT_RESOURCES, writeVariants } from './support/report-contract.js';
import { runCli } from './support/run-cli.js';

const variants = writeVariants();
const baseline = listScenarios().find((s) => s.name === 'baseline')!.file;
const CRITICAL_KEYS = [`aws-auth/node-role-not-mapped:${VARIANT_RESOURCES.karpenterRole}`, `aws-auth/node-role-not-mapped:${VARIANT_RESOURCES.fargateRole}`];
const WARNING_KEY = 'aws-auth/duplicate-mapping:arn:aws:iam::111122223333:role/shop-prod-batch-node';

/** Runs the CLI (tests pass --only aws-auth: the variants differ in aws-auth alone); after the n-th line of stdout, `afterLine[n]` runs (to change the world between runs). */
async function watchCli(argv: string[], afterLine: Record<number, () => void> = {}, onStderr: () => void = () => {}) {
  let stdout = '';
  let stderr = '';
  let lines = 0;
  const io: CommandIo = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        for (const _ of s.matchAll(/\n/g)) afterLine[++lines]?.();
        return true;
      },
      isTTY: false,
    },
    stderr: { write: (s: string) => ((stderr += s), onStderr(), true) },
    stdin: { isTTY: false },
    env: {},
  };
  const code = await main(argv, io);
  return { code, stderr, lines: stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Report), raw: stdout };
}

/** The 1.0 part of `changes`: what --watch has always written (escalations and first-seen times are tested in src/audit/changes.test.ts). */
function keysChanged(changes: ReportChanges) {
  return { run: changes.run, new: changes.new, resolved: changes.resolved };
}

describe('--watch without a terminal (NDJSON)', () => {
  it('writes one report per line with the keys new and resolved, re-reading the snapshot each run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-watch-'));
    const file = join(dir, 'live.json');
    copyFileSync(variants.critical, file);
    const { code, lines, raw } = await watchCli(['diagnose', '--snapshot', file, '--only', 'aws-auth', '--watch', '0', '--watch-count', '3'], {
      1: () => copyFileSync(variants.warning, file),
      2: () => copyFileSync(baseline, file),
    });
    expect(raw.split('\n').filter((l) => l !== '').every((l) => !l.includes('\n') && l.startsWith('{'))).toBe(true);
    expect(lines.map((l) => keysChanged(l.changes!))).toEqual([
      { run: 1, new: CRITICAL_KEYS, resolved: [] },
      { run: 2, new: [WARNING_KEY], resolved: CRITICAL_KEYS },
      { run: 3, new: [], resolved: [WARNING_KEY] },
    ]);
    const validate = reportValidator();
    for (const line of lines) expect(validate(line) ? [] : validate.errors).toEqual([]);
    // The exit code is the last report's: the healthy baseline.
    expect(code).toBe(0);
  });

  it('exits with the last report\'s code and rewrites FORMAT=PATH files after every run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-watch-'));
    const file = join(dir, 'live.json');
    const out = join(dir, 'latest.json');
    copyFileSync(baseline, file);
    let firstFile: Report | undefined;
    const { code, lines } = await watchCli(['diagnose', '--snapshot', file, '--only', 'aws-auth', '--watch', '0', '--watch-count', '2', '--output', `json=${out}`], {
      1: () => {
        firstFile = JSON.parse(readFileSync(out, 'utf8')) as Report;
        copyFileSync(variants.critical, file);
      },
    });
    expect(code).toBe(1);
    expect(lines).toHaveLength(2);
    expect(firstFile!.changes!.run).toBe(1);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Report).changes!.run).toBe(2);
  });

  it('a run that fails after the first is reported on stderr and the watch goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-watch-'));
    const file = join(dir, 'live.json');
    copyFileSync(variants.critical, file);
    const { lines, stderr } = await watchCli(['diagnose', '--snapshot', file, '--only', 'aws-auth', '--watch', '0', '--watch-count', '3'], {
      1: () => copyFileSync(join(import.meta.dirname, '..', 'package.json'), file),
    }, () => copyFileSync(variants.critical, file));
    expect(lines.map((l) => l.changes!.run)).toEqual([1, 3]);
    expect(keysChanged(lines[1]!.changes!)).toEqual({ run: 3, new: [], resolved: [] });
    // The line before the failed run is the one compared with; its findings are unchanged since it.
    expect(lines[1]!.changes!.unchanged).toEqual(CRITICAL_KEYS.map((key) => ({ key, firstSeen: lines[0]!.generatedAt })));
    expect(stderr).toMatch(/^eks-doctor: watch run 2 failed: .*live\.json.*; trying again in 0s\n$/);
  });

  it('a first run that fails is an ordinary error', async () => {
    const { code, stderr } = await runCli(['diagnose', '--snapshot', '/nonexistent.json', '--watch', '0', '--watch-count', '2']);
    expect(code).toBe(2);
    expect(stderr).toContain('does not exist');
  });

  it('--watch alone takes the default interval, and is followed by other options', () => {
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: () => true }, stdin: {}, env: {} };
    expect(reportSettings(parseCommandArgs(diagnoseCommand, ['--watch', '--watch-count', '2']), io, []).watch).toEqual({ seconds: 30, count: 2 });
    expect(reportSettings(parseCommandArgs(diagnoseCommand, ['--watch']), io, []).watch).toEqual({ seconds: 30 });
    expect(reportSettings(parseCommandArgs(diagnoseCommand, ['--watch', '5']), io, []).watch).toEqual({ seconds: 5 });
  });

  it('rejects a format that cannot be watched, and --watch-count without --watch', async () => {
    const text = await runCli(['diagnose', '--snapshot', baseline, '--watch', '0', '--output', 'text']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('--watch writes one JSON report per line; --output text cannot be watched');
    const count = await runCli(['diagnose', '--snapshot', baseline, '--watch-count', '2']);
    expect(count.stderr).toContain('--watch-count needs --watch');
  });

  it('the loop itself: changes between reports from any runner', async () => {
    const report = (keys: string[]) => ({ findings: keys.map((key) => ({ key })), checks: [] }) as unknown as Report;
    const reports = [report(['a', 'b']), report(['b', 'c']), report(['c'])];
    let out = '';
    const io: CommandIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, stdin: {}, env: {} };
    const settings = { watch: { seconds: 0, count: 3 }, files: [], failOn: 'critical', failOnError: false } as unknown as Parameters<typeof watchNdjson>[1];
    let i = 0;
    await watchNdjson(async () => reports[i++]!, settings, io, []);
    expect(out.trim().split('\n').map((l) => keysChanged((JSON.parse(l) as Report).changes!))).toEqual([
      { run: 1, new: ['a', 'b'], resolved: [] },
      { run: 2, new: ['c'], resolved: ['a'] },
      { run: 3, new: [], resolved: ['b'] },
    ]);
  });
});
