/**
 * The Prometheus tools the audit's outputs are checked against, as Debian packages them
 * (`prometheus`: promtool; `prometheus-pushgateway`; `prometheus-alertmanager`), started on
 * 127.0.0.1 on free ports and stopped by the tests that start them. `.ci/run` installs the
 * packages when they are missing; where they cannot be, the tests skip and say why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BINARIES = { promtool: 'promtool', pushgateway: 'prometheus-pushgateway', alertmanager: 'prometheus-alertmanager' } as const;

/** The binaries that are not on PATH. */
export function missingBinaries(): string[] {
  return Object.values(PROMETHEUS_BINARIES).filter((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).error !== undefined);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts `bin` and waits until `${url}/-/ready` answers 200 (both servers have that endpoint). */
async function startAndWait(bin: string, args: string[], url: string): Promise<RunningServer> {
  let log = '';
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  // Readiness is polled, never assumed after a delay; the bound keeps a broken install from hanging the suite.
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}:\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${bin} did not become ready at ${url}:\n${log}`);
}

export async function startPushgateway(): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startAndWait(PROMETHEUS_BINARIES.pushgateway, [`--web.listen-address=127.0.0.1:${port}`], url);
}

/**
 * Alertmanager alone: no cluster peers (--cluster.listen-address= empty), a temporary storage
 * path, and the smallest configuration it accepts (one receiver that sends nowhere) unless given one.
 */
export async function startAlertmanager(options: { configFile?: string } = {}): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-alertmanager-'));
  const config = options.configFile ?? join(dir, 'alertmanager.yml');
  if (!options.configFile) writeFileSync(config, 'route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n');
  const url = `http://127.0.0.1:${port}`;
  return startAndWait(
    PROMETHEUS_BINARIES.alertmanager,
    [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    url,
  );
}

/** `promtool check metrics` on the text: its exit status and what it said. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync(PROMETHEUS_BINARIES.promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
