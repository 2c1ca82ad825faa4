import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process with captured output, as a user's shell would see it. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true) },
    stdin: { isTTY: false },
    env: { ...env },
  });
  return { code, stdout, stderr };
}

const BIN = new URL('../../bin/eks-doctor.js', import.meta.url).pathname;
/** bin/eks-doctor.js runs the bundle in dist/bundle/; `npm test` builds it first. */
export const CLI_BUILT = existsSync(new URL('../../dist/bundle/eks-doctor.js', import.meta.url));

export interface CliProcessResult {
  /** null when the watchdog had to kill the process. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** False when the process was still running when the watchdog fired. */
  exitedOnItsOwn: boolean;
}

/**
 * A home with no ~/.aws and no ~/.kube, shared config and credentials files that do not exist, and
 * no instance metadata (a CI runner on EC2 would otherwise hand out its own role): the process sees
 * only what a test passes it, never the developer's or the runner's credentials or KUBECONFIG.
 */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'eks-doctor-home-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/**
 * Runs the built CLI as a separate process (bin/eks-doctor.js, as a user's shell starts it) with
 * exactly `env`. The watchdog kills it after `watchdogMs`: a test asserts `exitedOnItsOwn` rather
 * than measuring time, so "the run ends within --timeout" is checked without a timing assertion.
 */
export function runCliProcess(argv: string[], options: { env: Record<string, string>; watchdogMs: number }): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.watchdogMs);
    child.once('error', (error) => {
      clearTimeout(watchdog);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, stderr, exitedOnItsOwn: !killed });
    });
  });
}

/** A Node stack frame ("    at fn (file.js:1:2)"): users never see one. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;
