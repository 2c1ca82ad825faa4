/** The config file through the CLI: suppressions by id, resource and key, expiry, and bad files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/engine/report.js';
import { parseCommandArgs, withCatalogueOptions } from '../src/cli/command.js';
import { loadDiagnostics } from '../src/engine/registry.js';
import { diagnoseCommand } from '../src/cli/commands/diagnose.js';
import { reportSettings } from '../src/cli/report-settings.js';
import { VARIANT_RESOURCES, writeVariants } from './support/report-contract.js';
import { runCli } from './support/run-cli.js';

const variants = writeVariants();
const ID = 'aws-auth/node-role-not-mapped';
const KARPENTER_KEY = `${ID}:${VARIANT_RESOURCES.karpenterRole}`;
const FARGATE_KEY = `${ID}:${VARIANT_RESOURCES.fargateRole}`;

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-config-'));
  const file = join(dir, 'eks-doctor.yaml');
  writeFileSync(file, text);
  return file;
}

async function diagnose(config: string, extra: string[] = []) {
  const result = await runCli(['diagnose', '--snapshot', variants.critical, '--output', 'json', '--config', config, ...extra]);
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as Report) : undefined };
}

const suppressedKeys = (r: Report) => r.findings.filter((f) => f.suppressed).map((f) => f.key);

describe('suppressions', () => {
  it('by id: every finding of that id is silenced, stays in the JSON with its reason, and stops counting', async () => {
    const { code, report } = await diagnose(configFile(`suppressions:\n  - id: ${ID}\n    reason: nodes being migrated, OPS-42\n`));
    expect(code).toBe(0);
    expect(suppressedKeys(report!)).toEqual([KARPENTER_KEY, FARGATE_KEY]);
    expect(report!.findings[0]!.suppressed).toEqual({ reason: 'nodes being migrated, OPS-42' });
    expect(report!.summary).toMatchObject({ critical: 0, suppressed: 2, checks: { fail: 0 } });
    expect(report!.checks.find((c) => c.id === 'aws-auth')!.status).toBe('pass');
    expect(report!.config!.suppressions).toEqual([
      { id: ID, reason: 'nodes being migrated, OPS-42', line: 2, status: 'applied', matched: [KARPENTER_KEY, FARGATE_KEY] },
    ]);
  });

  it('by resource: only the findings naming that resource', async () => {
    const { code, report } = await diagnose(configFile(`suppressions:\n  - id: ${ID}\n    resources: [${VARIANT_RESOURCES.karpenterRole}]\n    reason: Karpenter retired this week\n`));
    expect(code).toBe(1);
    expect(suppressedKeys(report!)).toEqual([KARPENTER_KEY]);
    expect(report!.summary.critical).toBe(1);
    expect(report!.checks.find((c) => c.id === 'aws-auth')!.status).toBe('fail');
  });

  it('by key: only that occurrence', async () => {
    const { report } = await diagnose(configFile(`suppressions:\n  - id: ${ID}\n    keys: ['${FARGATE_KEY}']\n    reason: Fargate profile is deleted tomorrow\n`));
    expect(suppressedKeys(report!)).toEqual([FARGATE_KEY]);
  });

  it('not yet expired: works, and the finding says until when', async () => {
    const { code, report } = await diagnose(configFile(`suppressions:\n  - id: ${ID}\n    reason: r\n    expires: 2999-12-31\n`));
    expect(code).toBe(0);
    expect(report!.findings[0]!.suppressed).toEqual({ reason: 'r', expires: '2999-12-31' });
  });

  it('expired: stops working, is listed as expired in the JSON, and warns on stderr', async () => {
    const config = configFile(`# accepted in 2019\nsuppressions:\n  - id: ${ID}\n    reason: temporary\n    expires: 2020-01-31\n`);
    const { code, report, stderr } = await diagnose(config);
    expect(code).toBe(1);
    expect(suppressedKeys(report!)).toEqual([]);
    expect(report!.summary.critical).toBe(2);
    expect(report!.config!.suppressions[0]).toMatchObject({ status: 'expired', expires: '2020-01-31', line: 3, matched: [KARPENTER_KEY, FARGATE_KEY] });
    expect(stderr).toBe(`eks-doctor: warning: the suppression of ${ID} (${config} line 3) expired on 2020-01-31; 2 findings count again\n`);
    const text = await runCli(['diagnose', '--snapshot', variants.critical, '--config', config]);
    expect(text.stdout).toContain(`Expired suppression: ${ID} (${config} line 3) stopped working after 2020-01-31`);
  });

  it('a suppression that matches nothing is listed as unused', async () => {
    const config = configFile('suppressions:\n  - id: aws-auth/configmap-missing\n    reason: r\n');
    const { report } = await diagnose(config);
    expect(report!.config!.suppressions[0]).toMatchObject({ status: 'unused', matched: [] });
    const text = await runCli(['diagnose', '--snapshot', variants.critical, '--config', config]);
    expect(text.stdout).toContain('Unused suppressions (they match nothing; remove them once the problem is fixed): aws-auth/configmap-missing (line 2)');
  });

  it('a malformed file is exit 2 with one line naming the file and the line', async () => {
    const config = configFile(`suppressions:\n  - id: ${ID}\n    reason: "unterminated\n`);
    const { code, stdout, stderr } = await diagnose(config);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^eks-doctor: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line \\d+: not valid YAML`));
  });

  it('an unknown key and an unknown finding id are errors naming the line', async () => {
    const unknownKey = await diagnose(configFile(`suppressions:\n  - id: ${ID}\n    reason: r\n    resource: x\n`));
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(/ line 4: unknown key 'resource' in suppression; known keys: id, resources, keys, reason, expires\n/);
    const unknownId = await diagnose(configFile('suppressions:\n  - id: aws-auth/node-role-unmapped\n    reason: r\n'));
    expect(unknownId.code).toBe(2);
    expect(unknownId.stderr).toMatch(/ line 2: suppression of unknown finding id 'aws-auth\/node-role-unmapped'\n/);
  });

  it('--config naming a missing file is an error; --no-config with --config contradicts', async () => {
    const missing = await runCli(['diagnose', '--snapshot', variants.critical, '--config', '/nonexistent/eks-doctor.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file /nonexistent/eks-doctor.yaml does not exist');
    const both = await runCli(['diagnose', '--snapshot', variants.critical, '--config', 'x', '--no-config']);
    expect(both.code).toBe(2);
  });
});

describe('selection and thresholds in the config file', () => {
  it('skip from the file is applied; --only on the command line replaces it', async () => {
    const config = configFile('skip: [aws-auth]\n');
    const skipped = await diagnose(config);
    expect(skipped.report!.checks.find((c) => c.id === 'aws-auth')!.status).toBe('skipped');
    const overridden = await diagnose(config, ['--only', 'aws-auth']);
    expect(overridden.report!.checks.find((c) => c.id === 'aws-auth')!.status).toBe('fail');
  });

  it('thresholds from the file are used; a flag overrides its own threshold only', async () => {
    const config = configFile('thresholds:\n  freeIpThreshold: 40\n  joinGracePeriodMinutes: 20\n');
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: {}, env: {} };
    const [diagnostics, command] = await Promise.all([loadDiagnostics(), withCatalogueOptions(diagnoseCommand)]);
    const fromFile = reportSettings(parseCommandArgs(command, ['--config', config]), io, diagnostics);
    expect(fromFile.checkOptions).toEqual({ freeIpThreshold: 40, joinGracePeriodMinutes: 20 });
    const overridden = reportSettings(parseCommandArgs(command, ['--config', config, '--free-ip-threshold', '8']), io, diagnostics);
    expect(overridden.checkOptions).toEqual({ freeIpThreshold: 8, joinGracePeriodMinutes: 20 });
  });

  it('an unknown check id in the file names its line', async () => {
    const { code, stderr } = await diagnose(configFile('only:\n  - aws-auth\n  - aws-authh\n'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/ line 3: unknown check 'aws-authh'\n/);
  });
});

describe('.eks-doctor.yaml in the current directory (the built CLI, run as a user would)', () => {
  const bin = join(import.meta.dirname, '..', 'bin', 'eks-doctor.js');
  const cwd = mkdtempSync(join(tmpdir(), 'eks-doctor-cwd-'));
  writeFileSync(join(cwd, '.eks-doctor.yaml'), `suppressions:\n  - id: ${ID}\n    reason: found in the working directory\n`);

  it('is read when present', () => {
    const out = execFileSync(process.execPath, [bin, 'diagnose', '--snapshot', variants.critical, '--output', 'json'], { cwd, encoding: 'utf8' });
    const report = JSON.parse(out) as Report;
    expect(report.config!.file).toBe('.eks-doctor.yaml');
    expect(suppressedKeys(report)).toEqual([KARPENTER_KEY, FARGATE_KEY]);
  });

  it('is ignored with --no-config', () => {
    const result = spawnSync(process.execPath, [bin, 'diagnose', '--snapshot', variants.critical, '--output', 'json', '--no-config'], { cwd, encoding: 'utf8' });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.config).toBeUndefined();
    expect(suppressedKeys(report)).toEqual([]);
  });
});
