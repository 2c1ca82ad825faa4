/** Bad input gets one clear line and exit code 2, never a stack trace. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-cli-'));
const baseline = listScenarios().find((s) => s.name === 'baseline')!.file;

function expectCleanError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(/); // no stack frames
  expect(result.stdout).toBe('');
}

describe('CLI bad input', () => {
  it('a missing snapshot file', async () => {
    expectCleanError(await runCli(['diagnose', '--snapshot', join(dir, 'nope.json')]), /^eks-doctor: snapshot file .*nope\.json does not exist\n/);
  });

  it('a truncated snapshot names the file, line and column', async () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, '{\n  "kind": "eks-doctor.snapshot",\n  "schemaVersion": 1,\n  "aws": {');
    expectCleanError(await runCli(['diagnose', '--snapshot', file]), /truncated\.json is not valid JSON: .* at line 4, column \d+/);
  });

  it('an empty file', async () => {
    const file = join(dir, 'empty.json');
    writeFileSync(file, '');
    expectCleanError(await runCli(['diagnose', '--snapshot', file]), /empty\.json is not valid JSON: the file is empty/);
  });

  it('JSON that is not a snapshot says which field is wrong', async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ kind: 'eks-doctor.snapshot', schemaVersion: 1, capturedAt: 'yesterday', cluster: { name: 'x', region: 'y' }, aws: {}, kubernetes: {}, errors: [] }));
    expectCleanError(await runCli(['diagnose', '--snapshot', file]), /other\.json is not an eks-doctor snapshot: "capturedAt" is missing or not an ISO-8601 timestamp/);
  });

  it('an unknown --only check lists the known ones', async () => {
    expectCleanError(await runCli(['diagnose', '--snapshot', baseline, '--only', 'aws-auth,no-such-check']), /unknown check 'no-such-check'\nKnown checks: .*aws-auth/);
  });

  it('an unknown option, a bad --fail-on value, an unknown command', async () => {
    expectCleanError(await runCli(['diagnose', '--snapshot', baseline, '--frobnicate']), /diagnose: Unknown option '--frobnicate'/);
    expectCleanError(await runCli(['diagnose', '--snapshot', baseline, '--fail-on', 'sometimes']), /--fail-on must be one of critical, warning, info, never; got 'sometimes'/);
    const unknown = await runCli(['diagnoze']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'diagnoze'/);
  });

  it('--version and --help answer on stdout with exit 0', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await runCli(['diagnose', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on SEVERITY');
  });
});
