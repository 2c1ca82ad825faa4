/**
 * The package as users install CLIs: `npm pack`, `npm install -g` of the tarball into a temporary
 * prefix, then the installed `eks-doctor` runs with nothing from this checkout. Dependencies come
 * from npm's cache (filled by the `npm ci` that precedes `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'eks-doctor-pack-'));
const prefix = join(work, 'prefix');
let tarball = '';
let packedFiles: string[] = [];

function installedBin(): string {
  return join(prefix, 'bin', 'eks-doctor');
}

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(installedBin(), args, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the packed package', () => {
  beforeAll(() => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the feet of tests running beside this one;
    // npm test has just built it.
    const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { encoding: 'utf8' });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info!.filename);
    packedFiles = info!.files.map((f) => f.path);
    execFileSync(npm, ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }, 240_000);

  // The installed tree is tens of thousands of files: on a loaded machine removing it takes more than the default minute.
  afterAll(() => rmSync(work, { recursive: true, force: true }), 180_000);

  it('ships what it needs at run time and no tests or test fixtures', () => {
    expect(packedFiles).toContain('bin/eks-doctor.js');
    expect(packedFiles).toContain('policy/iam-policy.json');
    expect(packedFiles).toContain('policy/clusterrole.yaml');
    expect(packedFiles).toContain('schema/report.schema.json');
    expect(packedFiles.some((f) => f.startsWith('mocks/scenarios/') && f.endsWith('.json'))).toBe(true);
    // The bundled build (scripts/bundle.mjs) and its source maps: the CLI, and the mocks behind `demo`.
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/bundle/eks-doctor.js', 'dist/bundle/eks-doctor.js.map', 'dist/bundle/mock-cluster.js']));
    expect(packedFiles.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/'))).toEqual([]);
    expect(packedFiles).not.toContain('dist/bundle/metafile.json');
    expect(packedFiles.filter((f) => /(^|\/)test\/|\.test\.|fixtures\//.test(f))).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('runs no script of its own when installed: it ships its build (`prepare` builds a clone only)', () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'eks-doctor', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => /^(pre|post)?install$/.test(name))).toEqual([]);
    expect(manifest.scripts?.prepare).toBeDefined();
  });

  it('installs an eks-doctor command that reports its version', () => {
    expect(existsSync(installedBin())).toBe(true);
    const result = run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs the demo (the live path against the bundled mock) from the installed copy', () => {
    const result = run(['demo', '--output', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { id: string }[]; kubernetesAccess?: { reachable: boolean } };
    // The default scenario (pending-pods-group-at-max): the full node group ranks above its Pending pods.
    expect(report.findings[0]!.id).toBe('scheduling-capacity/capacity-at-maximum');
    expect(report.kubernetesAccess?.reachable).toBe(true);
  });

  it('diagnoses a bundled scenario from the installed copy', () => {
    const installedRoot = join(prefix, 'lib', 'node_modules', 'eks-doctor');
    const scenarios = readdirSync(join(installedRoot, 'mocks', 'scenarios'));
    expect(scenarios).toContain('node-role-not-mapped.json');
    const result = run(['diagnose', '--snapshot', join(installedRoot, 'mocks', 'scenarios', 'node-role-not-mapped.json'), '--output', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { id: string }[] };
    expect(report.findings[0]!.id).toBe('aws-auth/node-role-not-mapped');
  });
});
