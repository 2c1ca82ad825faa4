import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMinimalSnapshot } from './minimal-snapshot.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'eks-doctor.js');
const hook = join(root, 'test', 'tui', 'record-imports.mjs');
const work = mkdtempSync(join(tmpdir(), 'eks-doctor-imports-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs node with the import recorder and returns every module URL the process resolved. The exit
 * code is the report's business (a minimal snapshot earns 2, "could not check"); stdout must hold
 * what was asked for.
 */
function importsOf(args: string[], expectOutput: (stdout: string) => void): string[] {
  const log = join(work, `imports-${Math.random().toString(36).slice(2)}.log`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, ...args], {
    cwd: root,
    env: { ...process.env, EKS_DOCTOR_IMPORT_LOG: log },
    encoding: 'utf8',
  });
  expect(result.stderr).not.toContain('internal error');
  expectOutput(result.stdout);
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

const isUi = (url: string) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(url);

describe.skipIf(!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))('ink and React load only on the interactive path', () => {
  it('the recorder sees them when the UI module is imported (the control)', () => {
    const urls = importsOf(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'src', 'tui', 'run.js')).href)})`], () => {});
    expect(urls.some(isUi)).toBe(true);
  });

  it('--version does not import them', () => {
    const urls = importsOf([bin, '--version'], (stdout) => expect(stdout).toMatch(/^\d+\.\d+\.\d+/));
    expect(urls.some((u) => u.includes('/dist/src/cli/main.js'))).toBe(true);
    expect(urls.filter(isUi)).toEqual([]);
  });

  it('diagnose --output json does not import them', () => {
    const snapshot = writeMinimalSnapshot(work);
    const urls = importsOf([bin, 'diagnose', '--snapshot', snapshot, '--output', 'json'], (stdout) => expect(JSON.parse(stdout)).toHaveProperty('findings'));
    expect(urls.some((u) => u.includes('/dist/src/render/json.js'))).toBe(true);
    expect(urls.filter(isUi)).toEqual([]);
  });
});
