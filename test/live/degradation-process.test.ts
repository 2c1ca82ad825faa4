/**
 * The API server refusing, hanging, answering 401 or presenting a certificate from another CA,
 * seen as a user sees it: `eks-doctor diagnose` as a separate process (bin/eks-doctor.js), the AWS
 * mock healthy. test/live/degradation.test.ts proves the report's shape in-process; this proves
 * what only the process shows: the exit code the AWS-side findings earn, stderr without a stack
 * trace, and that the run ends by itself within --timeout (a watchdog that is a multiple of
 * --timeout kills it otherwise; no time is measured).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesFault } from '../../mocks/k8s-mock/api-server.js';
import { startMockCluster, type MockCluster } from '../../mocks/mock-cluster.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import { diagnoseSnapshot } from '../../src/engine/diagnose.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import type { Report } from '../../src/engine/report.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { CLI_BUILT, isolatedEnv, runCliProcess, STACK_FRAME } from '../support/run-cli.js';

if (!CLI_BUILT) console.log('degradation-process test skipped: the CLI is not built (npm test builds it)');

/** Long enough for the healthy AWS side on a loaded CI machine; the hang case waits all of it. */
const TIMEOUT_SECONDS = 6;
/** Generous: a run that honours --timeout ends long before; one that hangs is killed here. */
const WATCHDOG_MS = 8 * TIMEOUT_SECONDS * 1000;

interface Case {
  fault: KubernetesFault;
  /** What the Kubernetes-side checks' reasons must name. */
  reason: RegExp;
  /** The api-server-access finding that explains the failure from what AWS shows. */
  cause: string;
  /** Makes the AWS side show that cause. */
  edit: (snapshot: Snapshot) => void;
}

const cases: Case[] = [
  {
    fault: 'refuse',
    reason: /refused/i,
    cause: 'api-server-access/public-access-cidrs',
    edit: (s) => (s.aws.cluster!.resourcesVpcConfig!.publicAccessCidrs = ['198.51.100.0/24']),
  },
  {
    fault: 'hang',
    // Only the overall deadline can end the probe: --call-timeout is far longer than --timeout.
    reason: /--timeout/,
    cause: 'api-server-access/private-endpoint-only',
    edit: (s) => (s.aws.cluster!.resourcesVpcConfig!.endpointPublicAccess = false),
  },
  {
    fault: 'unauthorized',
    reason: /401|unauthenticated/,
    cause: 'api-server-access/caller-not-mapped',
    // The caller (sts:GetCallerIdentity: the platform-admin role) lost its access entry.
    edit: (s) => (s.aws.accessEntries = s.aws.accessEntries!.filter((e) => !e.principalArn?.endsWith(':role/platform-admin'))),
  },
  { fault: 'wrong-ca', reason: /certificate/i, cause: 'api-server-access/certificate-mismatch', edit: () => {} },
];

/** Node's own process warnings (a deprecated API in a dependency) are not eks-doctor's output. */
function ownStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^\(node:\d+\) \w*Warning/.test(line) && !/^\(Use `node --trace-/.test(line))
    .join('\n')
    .trim();
}

const readsKubernetes = (parts: readonly string[]) => parts.some((p) => p.startsWith('kubernetes.'));
/** The cluster's objects, as opposed to the fact of reaching it (kubernetes.apiServer). */
const needsKubernetesObjects = (d: Diagnostic) => d.needs.some((p) => p.startsWith('kubernetes.') && p !== 'kubernetes.apiServer');

describe.skipIf(!CLI_BUILT).each(cases)('diagnose as a process, API server $fault', ({ fault, reason, cause, edit }) => {
  let cluster: MockCluster;
  let expected: Report;
  let diagnostics: Diagnostic[];
  beforeAll(async () => {
    // A cluster whose AWS side alone has a critical finding (a node group that failed to create).
    const scenario = structuredClone(loadScenario('nat-gateway-deleted'));
    edit(scenario);
    diagnostics = await loadDiagnostics();
    expected = await diagnoseSnapshot(scenario, { diagnostics, toolVersion: 'test', generatedAt: new Date(scenario.capturedAt) });
    cluster = await startMockCluster({ scenario, kubernetesFault: fault });
  });
  afterAll(() => cluster?.close());

  it('exits by itself with the code the AWS side earns, AWS-side checks as without the fault, Kubernetes-side ones saying why, no stack trace', async () => {
    const env = isolatedEnv({
      AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey,
      AWS_REGION: cluster.region,
    });
    const argv = ['diagnose', '--cluster', cluster.clusterName, '--endpoint-url', cluster.awsUrl, '--timeout', String(TIMEOUT_SECONDS), '--call-timeout', '60', '--output', 'json'];
    const run = await runCliProcess(argv, { env, watchdogMs: WATCHDOG_MS });

    expect(run.exitedOnItsOwn, `still running after ${WATCHDOG_MS / 1000}s with --timeout ${TIMEOUT_SECONDS}`).toBe(true);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(ownStderr(run.stderr)).toBe('');
    const report = JSON.parse(run.stdout) as Report;

    // Checks that read nothing from Kubernetes give exactly the verdicts of the fault-free run.
    const awsOnly = diagnostics.filter((d) => !readsKubernetes([...d.needs, ...d.uses])).map((d) => d.id);
    expect(awsOnly.length).toBeGreaterThan(2);
    const verdicts = (r: Report) =>
      awsOnly.map((id) => ({ id, status: r.checks.find((c) => c.id === id)?.status, findings: r.findings.filter((f) => f.check === id).map((f) => f.key).sort() }));
    expect(verdicts(report)).toEqual(verdicts(expected));

    // The exit code is the one those findings earn at the default --fail-on critical: 1, not 2.
    const awsSideCritical = report.findings.some((f) => awsOnly.includes(f.check) && f.severity === 'critical');
    expect(awsSideCritical).toBe(true);
    expect(run.code).toBe(1);

    // Every check that needs the cluster's objects says it could not run, and why.
    const kubernetesSide = diagnostics.filter(needsKubernetesObjects);
    expect(kubernetesSide.length).toBeGreaterThan(2);
    for (const d of kubernetesSide) {
      const check = report.checks.find((c) => c.id === d.id)!;
      expect(check.status, d.id).toBe('error');
      expect(check.reason, d.id).toMatch(/could not read (Kubernetes|the aws-auth ConfigMap)/);
      expect(check.reason, d.id).toMatch(reason);
    }

    // The api-server-access check says the API server could not be read, and explains the likely cause.
    const unreachable = report.findings.find((f) => f.id === 'api-server-access/unreachable');
    expect(`${unreachable?.title}: ${unreachable?.rootCause}`).toMatch(reason);
    const explanation = report.findings.find((f) => f.id === cause);
    expect(explanation, report.findings.map((f) => f.id).join(', ')).toBeDefined();
    expect(explanation!.explains).toContain(unreachable!.key);
    if (fault === 'unauthorized') expect(explanation!.title).toContain(`arn:aws:iam::${report.identity!.account}:role/platform-admin`);
  }, WATCHDOG_MS + 30_000);
});
