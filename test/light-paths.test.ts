/**
 * Each path loads only what it runs (docs/performance.md): the plain, JSON and MCP paths load
 * neither ink nor React, and the plain paths not the MCP SDK. Proved twice over: from the build's
 * metafile (which modules each file of the bundle holds, and which files each one imports
 * statically, that is, loads with it), and by running the built CLI under an import recorder and
 * mapping every file it loaded to the modules inside.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMinimalSnapshot } from './tui/minimal-snapshot.js';
import { isMcpSdkModule, isUiModule, loadedModules, METAFILE, modulesIn, readMetafile, staticClosure, type Metafile } from './support/loaded-modules.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'eks-doctor.js');
const hook = join(root, 'test', 'tui', 'record-imports.mjs');
const work = mkdtempSync(join(tmpdir(), 'eks-doctor-light-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The file of the bundle made for this module (the CLI's entry, or a module loaded on demand), and what loading it loads. */
function loadOf(metafile: Metafile, entryPoint: string): { file: string; modules: string[] } {
  const file = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === entryPoint)?.[0];
  expect(file, `the bundle has a file for ${entryPoint}`).toBeDefined();
  return { file: file!, modules: modulesIn(metafile, staticClosure(metafile, file!)) };
}

describe.skipIf(!existsSync(METAFILE))('the bundle, from its metafile', () => {
  const metafile = existsSync(METAFILE) ? readMetafile() : { outputs: {} };
  const UI = 'src/tui/run.tsx';
  const MCP = 'src/mcp/stdio.ts';
  /** Every module the CLI loads on demand: its own entry and the mocks' apart, and ink's DevTools bridge (ink's, for DEV=true). */
  const onDemand = Object.values(metafile.outputs)
    .map((o) => o.entryPoint)
    .filter((e): e is string => e !== undefined && e !== 'src/cli/main.ts' && !e.includes('/ink/'));

  it('the controls: the UI\'s file loads ink and React, the MCP server\'s the SDK', () => {
    expect(loadOf(metafile, UI).modules.filter(isUiModule).map((m) => m.replace(/^.*\/node_modules\//, '').split('/')[0])).toEqual(expect.arrayContaining(['ink', 'react', 'react-reconciler']));
    expect(loadOf(metafile, MCP).modules.some(isMcpSdkModule)).toBe(true);
  });

  it('the CLI itself, which every command loads (--version, the plain and JSON paths, mcp), holds neither ink, React nor the MCP SDK', () => {
    const cli = loadOf(metafile, 'src/cli/main.ts');
    expect(cli.modules.some((m) => m.endsWith('/src/render/json.ts'))).toBe(true);
    expect(cli.modules.filter(isUiModule)).toEqual([]);
    expect(cli.modules.filter(isMcpSdkModule)).toEqual([]);
  });

  it('nothing loaded on demand brings ink or React but the UI, nor the MCP SDK but the MCP server', () => {
    expect(onDemand).toEqual(expect.arrayContaining(['src/collect/aws/clients.ts', 'src/collect/collect.ts', 'mocks/mock-cluster.ts', UI, MCP]));
    for (const entryPoint of onDemand.filter((e) => e !== UI)) {
      const { modules } = loadOf(metafile, entryPoint);
      expect(modules.filter(isUiModule), entryPoint).toEqual([]);
      if (entryPoint !== MCP) expect(modules.filter(isMcpSdkModule), entryPoint).toEqual([]);
    }
  });

  it('the AWS clients bring the EC2 schemas of the commands eks-doctor sends, not all of them (the mocks, which serve every operation, do)', () => {
    const ec2Schemas = (entryPoint: string) =>
      [...staticClosure(metafile, loadOf(metafile, entryPoint).file)].reduce((sum, f) => sum + (metafile.outputs[f]!.inputs['node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js']?.bytesInOutput ?? 0), 0);
    const clients = ec2Schemas('src/collect/aws/clients.ts');
    const everything = ec2Schemas('mocks/mock-cluster.ts');
    expect(clients).toBeGreaterThan(0);
    expect(clients).toBeLessThan(everything / 4);
  });

  it('source maps lead stack traces back to src/', () => {
    const cli = loadOf(metafile, 'src/cli/main.ts').file;
    expect(readFileSync(join(root, cli), 'utf8').trimEnd()).toMatch(/\/\/# sourceMappingURL=eks-doctor\.js\.map$/);
    const map = JSON.parse(readFileSync(join(root, `${cli}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../../src/cli/main.ts');
  });
});

/** Runs the built CLI under the import recorder: the modules behind every file it loaded. */
function modulesLoadedBy(args: string[], input?: string): { modules: string[]; stdout: string } {
  const log = join(work, `imports-${Math.random().toString(36).slice(2)}.log`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, bin, ...args], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: work, EKS_DOCTOR_IMPORT_LOG: log },
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
  expect(result.stderr).not.toContain('internal error');
  return { modules: loadedModules(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []), stdout: result.stdout };
}

describe.skipIf(!existsSync(METAFILE))('the built CLI, run', () => {
  it('--version loads neither ink, React nor the MCP SDK', () => {
    const { modules, stdout } = modulesLoadedBy(['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(modules.some((m) => m.endsWith('/src/cli/main.ts'))).toBe(true);
    expect(modules.filter((m) => isUiModule(m) || isMcpSdkModule(m))).toEqual([]);
  });

  for (const output of ['json', 'text']) {
    it(`diagnose --output ${output} loads the checks and neither ink, React nor the MCP SDK`, () => {
      const { modules, stdout } = modulesLoadedBy(['diagnose', '--snapshot', writeMinimalSnapshot(work), '--output', output]);
      expect(stdout.length).toBeGreaterThan(0);
      expect(modules.some((m) => /\/diagnostics\/[^/]+\.ts$/.test(m))).toBe(true);
      expect(modules.filter((m) => isUiModule(m) || isMcpSdkModule(m))).toEqual([]);
    });
  }
});
