/**
 * `eks-doctor mock-server` standalone: what it prints points our tool, the aws CLI and kubectl at
 * it. Runs the built CLI (npm test builds first) as a separate process, as a user would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { runCli } from '../support/run-cli.js';

const runFile = promisify(execFile);
const bin = new URL('../../bin/eks-doctor.js', import.meta.url).pathname;
const built = existsSync(new URL('../../dist/src/cli/main.js', import.meta.url));
if (!built) console.log('mock-server test skipped: the CLI is not built (npm test builds it)');

async function tool(name: string, args: string[], env: Record<string, string>): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runFile(name, args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: string };
    if (e.code === 'ENOENT') return { ok: false, stdout: '', stderr: `${name} is not installed` };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

describe.skipIf(!built)('eks-doctor mock-server', () => {
  let child: ChildProcess;
  const env: Record<string, string> = {};
  let printed = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [bin, 'mock-server', '--scenario', 'node-role-not-mapped'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('press Ctrl-C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`mock-server exited with ${code}: ${printed}`)));
    });
    for (const m of printed.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    vi.unstubAllEnvs();
  });

  it('prints the endpoint, the test credentials, the region and a kubeconfig', () => {
    expect(Object.keys(env).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'KUBECONFIG']);
    expect(existsSync(env.KUBECONFIG!)).toBe(true);
  });

  it('eks-doctor diagnose --cluster --endpoint-url --kubeconfig reads it', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', env.AWS_ACCESS_KEY_ID!);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', env.AWS_SECRET_ACCESS_KEY!);
    vi.stubEnv('AWS_PROFILE', '');
    const { code, stdout, stderr } = await runCli(
      ['diagnose', '--cluster', 'shop-prod', '--region', env.AWS_REGION!, '--endpoint-url', env.AWS_ENDPOINT_URL!, '--kubeconfig', env.KUBECONFIG!, '--output', 'json'],
      {},
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.kubernetesAccess).toMatchObject({ method: 'kubeconfig', reachable: true });
    expect(report.findings[0]?.id).toBe('aws-auth/node-role-not-mapped');
  });

  it('the aws CLI and kubectl read it with the printed environment', async (ctx) => {
    const aws = await tool('aws', ['eks', 'describe-cluster', '--name', 'shop-prod', '--query', 'cluster.status', '--output', 'text'], env);
    const kubectl = await tool('kubectl', ['get', 'nodes', '-o', 'name'], env);
    if (/not installed/.test(aws.stderr) || /not installed/.test(kubectl.stderr)) {
      console.log(`skipped: ${[aws.stderr, kubectl.stderr].filter((s) => /not installed/.test(s)).join('; ')}`);
      ctx.skip();
    }
    expect(aws.stdout.trim(), aws.stderr).toBe('ACTIVE');
    expect(kubectl.stdout, kubectl.stderr).toContain('node/ip-10-0-1-10.eu-west-1.compute.internal');
  });

  it('prints eks-doctor commands a clone can run as printed (npx), with and without the kubeconfig', async () => {
    const commands = [...printed.matchAll(/^(env -u KUBECONFIG )?npx eks-doctor (.*?)(\s+#.*)?$/gm)];
    expect(commands.length, printed).toBe(2);
    for (const [line, unsetKubeconfig, rest] of commands) {
      const argv = rest!.trim().split(/\s+/);
      const printedEnv = { ...env };
      if (unsetKubeconfig) delete printedEnv.KUBECONFIG;
      // npx eks-doctor in a clone runs bin/eks-doctor.js; the printed environment is all it gets.
      const result = await tool(process.execPath, [bin, ...argv, '--output', 'json'], printedEnv);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.findings[0]?.id, line).toBe('aws-auth/node-role-not-mapped');
      expect(report.kubernetesAccess, line).toMatchObject({ method: unsetKubeconfig ? 'eks-token' : 'kubeconfig', reachable: true });
    }
  });

  it('its usage shows --scenario as optional', async () => {
    const { stdout } = await runCli(['mock-server', '--help']);
    expect(stdout).toContain('eks-doctor mock-server [--scenario NAME]');
  });
});
