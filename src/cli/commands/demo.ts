import { listScenarios, loadScenario } from '../../../mocks/bundled-scenarios.js';
import { planCollection } from '../../collect/plan.js';
import { diagnosisRunner } from '../../engine/diagnose.js';
import { loadDiagnostics } from '../../engine/registry.js';
import { bundleKeeper, bundleSettings, REDACT_OPTION, SAVE_SNAPSHOT_OPTION } from '../bundle-options.js';
import type { CommandSpec } from '../command.js';
import { reportInteractivelyOrPlain, startInteractiveScreen } from '../interactive.js';
import { collectLive, withLiveChangeHistory } from '../live-collection.js';
import { TIMEOUT_OPTIONS, timeoutSettings } from '../live-settings.js';
import { diagnosisSetup, REPORT_OPTIONS, reportSettings, thresholdOptions } from '../report-settings.js';
import { traceWriter } from '../trace-option.js';
import { timedImport } from '../../trace/tracer.js';

/**
 * The scenarios to show a newcomer first, in order; `eks-doctor demo` serves the first. Pending pods
 * are what pages an on-call engineer, so the first shows them traced to their AWS cause; the second
 * is the classic node that never joins.
 */
export const FEATURED_DEMO_SCENARIOS = [
  { name: 'pending-pods-group-at-max', shows: "Pending pods traced to their AWS cause: the only node group they may run on is at its maximum size" },
  { name: 'node-role-not-mapped', shows: 'Instances that never join: their node role is not mapped in aws-auth' },
] as const;

/** A sick cluster with one clear root cause: what a first-time user should see. */
export const DEFAULT_DEMO_SCENARIO: string = FEATURED_DEMO_SCENARIOS[0].name;

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Diagnose a bundled example cluster through the live path, with no AWS account or cluster needed.',
  usage: 'eks-doctor demo [SCENARIO] [options]',
  description:
    'Starts a local AWS API and a local Kubernetes API server (TLS, EKS token authentication) serving the scenario, then runs ' +
    'exactly what `eks-doctor diagnose --cluster` runs against them: the AWS SDK and the Kubernetes client over HTTP and TLS. ' +
    'Your AWS credentials, profiles and kubeconfig play no part. `eks-doctor demo --list` shows the scenarios.',
  positionals: [{ name: 'SCENARIO', description: `Scenario to serve (default ${DEFAULT_DEMO_SCENARIO}; see --list)` }],
  options: [
    { name: 'list', type: 'boolean', description: 'List the bundled scenarios and exit' },
    ...REPORT_OPTIONS,
    SAVE_SNAPSHOT_OPTION,
    REDACT_OPTION,
    ...TIMEOUT_OPTIONS,
    { name: 'debug', type: 'boolean', description: 'Print each AWS and Kubernetes request to stderr' },
  ],
  catalogueOptions: thresholdOptions,
  examples: [
    'eks-doctor demo',
    'eks-doctor demo --list',
    'eks-doctor demo node-role-not-mapped',
    'eks-doctor demo api-server-private-only --output json',
    'eks-doctor demo baseline --only aws-auth,node-registration',
    'eks-doctor demo baseline --output json --trace trace.json',
  ],
  async run(args, io) {
    if (args.values.list === true) {
      const scenarios = listScenarios();
      const width = Math.max(...scenarios.map((s) => s.name.length));
      const featured = FEATURED_DEMO_SCENARIOS.map((f) => `  ${f.name.padEnd(width)}  ${f.shows}`);
      io.stdout.write(`Start with (eks-doctor demo serves the first):\n${featured.join('\n')}\n\nAll scenarios:\n${scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`).join('\n')}\n`);
      return 0;
    }
    const name = args.positionals[0] ?? DEFAULT_DEMO_SCENARIO;
    const scenario = loadScenario(name);
    // The catalogue is loaded already: its thresholds are this command's options.
    const diagnostics = await loadDiagnostics();
    const settings = reportSettings(args, io, diagnostics);
    const trace = traceWriter(args, 'demo', io, { 'eks_doctor.scenario': name, 'eks_doctor.cluster': scenario.cluster.name, 'aws.region': scenario.cluster.region });
    const keep = bundleKeeper(bundleSettings(args));
    const timeouts = timeoutSettings(args);
    const target = `demo scenario ${name} (cluster ${scenario.cluster.name}, served locally)`;
    // Before the mock starts: a config file naming unknown checks is said at once.
    const setup = diagnosisSetup(settings, diagnostics);
    // The UI's header at once, before the mock cluster, the SDK and ink load.
    const interactive = startInteractiveScreen(io, settings, { debug: args.values.debug === true, target, doing: 'Starting the local AWS and Kubernetes APIs…' });

    // The mocks (and the SDK models they serve) load only when a demo runs, not for every command.
    const { mockLiveSettings, startMockCluster } = await timedImport('mocks', () => import('../../../mocks/mock-cluster.js'));
    const cluster = await startMockCluster({ scenario });
    try {
      const live = mockLiveSettings(cluster, scenario, { ...timeouts, debug: args.values.debug === true });
      // An empty environment: no AWS_PROFILE, AWS_ENDPOINT_URL_*, proxy or KUBECONFIG of the user's is used.
      const demoIo = { ...io, env: {} };
      const runner = diagnosisRunner(async ({ checks, onEvent, tracer }) => {
        const collected = await collectLive(live, planCollection(checks), demoIo, onEvent, tracer);
        return keep({ ...collected, meta: { ...collected.meta, scenario: name, ...(scenario.meta?.description ? { description: scenario.meta.description } : {}) } });
      }, withLiveChangeHistory(setup, live, demoIo, keep));
      return await reportInteractivelyOrPlain({
        runner,
        settings,
        io,
        diagnostics,
        target,
        interactive,
        ...(trace ? { trace } : {}),
        waitLimits: timeouts,
      });
    } finally {
      await cluster.close();
    }
  },
};
