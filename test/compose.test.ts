/**
 * compose.yaml, the audit pipeline on a laptop. There is no container engine here, so the file is
 * validated by Debian's docker-compose (`docker-compose config`: the Compose schema, the merge key,
 * depends_on conditions, healthchecks), and the same pipeline runs as processes: each service's
 * command and healthcheck as compose.yaml gives them, the mock from the built CLI, the Pushgateway
 * and Alertmanager from Debian's packages (the versions compose.yaml pins), only ports, hosts and
 * the reports path translated. `.ci/run` installs the packages when missing; where they cannot be,
 * these tests skip and say why.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Report } from '../src/engine/report.js';
import { freePort, missingBinaries, startAlertmanager, startPushgateway, type RunningServer } from './support/real-servers.js';
import { isolatedEnv, runCliProcess } from './support/run-cli.js';

interface Healthcheck {
  test: string[];
  interval?: string;
  retries?: number;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  network_mode?: string;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
}

const COMPOSE_FILE = 'compose.yaml';
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as Compose;
const { mock, pushgateway, alertmanager, audit } = compose.services as Record<'mock' | 'pushgateway' | 'alertmanager' | 'audit', Service>;

const composeMissing = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).error !== undefined;
if (composeMissing) console.log('skipping the docker-compose config tests: docker-compose is not installed (Debian package docker-compose; .ci/run installs it)');
const prometheusMissing = missingBinaries();
if (prometheusMissing.length > 0) console.log(`skipping the compose pipeline run: ${prometheusMissing.join(', ')} not installed (Debian packages prometheus-pushgateway, prometheus-alertmanager; .ci/run installs them)`);

function composeConfig(file: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('docker-compose', ['-f', file, 'config'], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(composeMissing)('docker-compose config', () => {
  it('accepts compose.yaml: the audit waits for the healthy mock, Pushgateway and Alertmanager', () => {
    const result = composeConfig(COMPOSE_FILE);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // What docker-compose resolved (the merge key expanded), not only what the file says.
    const resolved = parse(result.stdout) as Compose;
    expect(Object.keys(resolved.services).sort()).toEqual(['alertmanager', 'audit', 'mock', 'pushgateway']);
    const waitsFor = resolved.services.audit!.depends_on!;
    expect(waitsFor).toEqual({ mock: { condition: 'service_healthy' }, pushgateway: { condition: 'service_healthy' }, alertmanager: { condition: 'service_healthy' } });
    for (const name of Object.keys(waitsFor)) expect(resolved.services[name]!.healthcheck?.test?.[0], `${name} has a healthcheck`).toBe('CMD');
    for (const name of ['mock', 'audit']) expect(resolved.services[name]!.build).toMatchObject({ dockerfile: 'deploy/Dockerfile' });
    expect(existsSync(join('deploy', 'Dockerfile'))).toBe(true);
  });

  it('really validates: a wrong condition and an unknown key are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-compose-'));
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    writeFileSync(join(dir, 'condition.yaml'), text.replace('condition: service_healthy', 'condition: service_ready'));
    expect(composeConfig(join(dir, 'condition.yaml')).status).not.toBe(0);
    writeFileSync(join(dir, 'key.yaml'), text.replace('    healthcheck:\n', '    healthchek:\n'));
    const unknown = composeConfig(join(dir, 'key.yaml'));
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/healthchek/);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** The seconds of a Compose duration ("2s"). */
const seconds = (duration: string | undefined) => Number(/^(\d+)s$/.exec(duration ?? '1s')?.[1]);

describe.skipIf(prometheusMissing.length > 0)('the compose pipeline, run as processes', () => {
  let gateway: RunningServer;
  let manager: RunningServer;
  let mockProcess: ReturnType<typeof spawn> | undefined;
  let mockOutput = '';
  const reports = mkdtempSync(join(tmpdir(), 'eks-doctor-compose-reports-'));
  const ports = { aws: 0, kubernetes: 0 };
  const env = isolatedEnv({ NO_COLOR: '1' });

  /** compose.yaml's words with the host's ports, addresses and reports directory for the containers'. */
  function translate(words: string[]): string[] {
    return words.map((w) =>
      w
        .replaceAll('http://alertmanager:9093', manager.url)
        .replaceAll('http://pushgateway:9091', gateway.url)
        .replaceAll('127.0.0.1:9091', gateway.url.slice('http://'.length))
        .replaceAll('127.0.0.1:9093', manager.url.slice('http://'.length))
        .replaceAll('4566', String(ports.aws))
        .replaceAll('6443', String(ports.kubernetes))
        .replaceAll('/home/nonroot', reports),
    );
  }

  /** Runs a CMD healthcheck as Docker would, `retries` times at `interval`, until it passes. */
  async function waitHealthy(name: string, check: Healthcheck): Promise<number> {
    const [kind, program, ...args] = translate(check.test);
    expect(kind, `${name}'s healthcheck runs without a shell`).toBe('CMD');
    for (let attempt = 1; attempt <= (check.retries ?? 3); attempt++) {
      // Inside the images: /nodejs/bin/node (distroless) and busybox wget; here: this Node and fetch.
      const passed =
        program === '/nodejs/bin/node'
          ? spawnSync(process.execPath, args, { stdio: 'ignore' }).status === 0
          : program === 'wget'
            ? await fetch(args.at(-1)!).then((r) => r.ok, () => false)
            : false;
      if (passed) return attempt;
      await new Promise((resolve) => setTimeout(resolve, seconds(check.interval) * 1000));
    }
    throw new Error(`${name} did not become healthy:\n${mockOutput}`);
  }

  beforeAll(async () => {
    [gateway, manager] = await Promise.all([startPushgateway(), startAlertmanager({ configFile: join('deploy', 'compose', 'alertmanager.yml') })]);
    ports.aws = await freePort();
    ports.kubernetes = await freePort();
    mockProcess = spawn(process.execPath, ['bin/eks-doctor.js', ...translate(mock.command!)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    mockProcess.stdout!.on('data', (d: Buffer) => (mockOutput += d.toString()));
    mockProcess.stderr!.on('data', (d: Buffer) => (mockOutput += d.toString()));
  }, 60_000);
  afterAll(async () => {
    if (mockProcess && mockProcess.exitCode === null) mockProcess.kill('SIGKILL');
    await Promise.all([gateway?.stop(), manager?.stop()]);
    rmSync(reports, { recursive: true, force: true });
  });

  it('reports, pushes the metrics and fires the alerts of the mock cluster, once every service is healthy', async () => {
    // depends_on: condition: service_healthy, in order.
    for (const [name, service] of Object.entries({ mock, pushgateway, alertmanager })) await waitHealthy(name, service.healthcheck!);
    const run = await runCliProcess(translate(audit.command!), { env: { ...env, ...audit.environment! }, watchdogMs: 180_000 });
    expect(run.exitedOnItsOwn).toBe(true);
    expect(run.stderr).toBe('');
    // --fail-on warning, and the scenario's node role is not mapped: findings.
    expect(run.code).toBe(1);

    const report = JSON.parse(readFileSync(join(reports, 'reports', 'eks-doctor-report.json'), 'utf8')) as Report;
    expect(report.cluster.name).toBe('shop-prod');
    expect(report.findings.map((f) => f.id)).toContain('aws-auth/node-role-not-mapped');
    // The Kubernetes side was reached too: through DescribeCluster's endpoint, with an EKS token.
    expect(report.checks.find((c) => c.id === 'aws-auth')!.status).toBe('fail');
    expect(existsSync(join(reports, 'reports', 'eks-doctor-junit.xml'))).toBe(true);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^eks_doctor_findings\{.*cluster="shop-prod".*id="aws-auth\/node-role-not-mapped".*\} 1$/m);
    const alerts = (await (await fetch(`${manager.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string } }[];
    expect(alerts).toContainEqual(expect.objectContaining({ labels: expect.objectContaining({ alertname: 'aws-auth/node-role-not-mapped', cluster: 'shop-prod' }), status: expect.objectContaining({ state: 'active' }) }));
  });

  it('the mock stops cleanly on SIGTERM, as docker-compose down sends it', async () => {
    const exited = new Promise<number | null>((resolve) => mockProcess!.once('exit', (code) => resolve(code)));
    mockProcess!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(mockOutput).toContain('eks-doctor mock-server: stopped');
  });
});
