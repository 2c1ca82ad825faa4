import { diagnosisRunner } from '../../engine/diagnose.js';
import { loadDiagnostics } from '../../engine/registry.js';
import { loadSnapshotFile } from '../../snapshot/load.js';
import { stringValue, type CommandSpec } from '../command.js';
import { bundleKeeper, bundleSettings, REDACT_OPTION, SAVE_SNAPSHOT_OPTION } from '../bundle-options.js';
import { interactiveReport, reportInteractivelyOrPlain, startInteractiveScreen } from '../interactive.js';
import { auditAllClusters, checkFleetOnlyOptions, FLEET_OPTIONS } from '../fleet.js';
import { snapshotSource, withLiveChangeHistory } from '../live-collection.js';
import { checkLiveInputs } from '../input-checks.js';
import { LIVE_OPTIONS, liveSettings } from '../live-settings.js';
import { diagnosisSetup, REPORT_OPTIONS, reportSettings, thresholdOptions } from '../report-settings.js';
import { traceWriter } from '../trace-option.js';

export const diagnoseCommand: CommandSpec = {
  name: 'diagnose',
  summary: 'Diagnose a cluster: collect (read-only), run the checks, show root causes first.',
  usage: 'eks-doctor diagnose (--cluster NAME [--region REGION] | --snapshot FILE) [options]',
  description: 'In a terminal this opens the interactive UI (keys: docs/tui.md); through a pipe, with --output or with --debug it prints the report.',
  options: [
    { name: 'snapshot', type: 'string', valueName: 'FILE', description: 'Analyse a saved snapshot offline instead of a live cluster' },
    ...LIVE_OPTIONS,
    ...FLEET_OPTIONS,
    SAVE_SNAPSHOT_OPTION,
    REDACT_OPTION,
    ...REPORT_OPTIONS,
  ],
  catalogueOptions: thresholdOptions,
  examples: [
    'eks-doctor diagnose --cluster shop-prod --region eu-west-1',
    'eks-doctor diagnose --all-clusters --regions eu-west-1,us-east-1 --report-dir reports/ --fail-on warning',
    'eks-doctor diagnose --all-clusters --regions eu-west-1,us-east-1 --shard 0/3 --report-dir /reports/fleet',
    'eks-doctor diagnose --cluster shop-prod --save-snapshot bundle.json --redact',
    'eks-doctor diagnose --cluster shop-prod --kubeconfig ~/.kube/config --context shop-prod',
    'eks-doctor diagnose --snapshot mocks/scenarios/node-role-not-mapped.json',
    'eks-doctor diagnose --snapshot bundle.json --output json --fail-on warning',
    'eks-doctor diagnose --snapshot bundle.json --output junit=report.xml --output sarif=report.sarif --fail-on warning --fail-on-error',
    'eks-doctor diagnose --cluster shop-prod --output json --trace trace.json',
  ],
  async run(args, io) {
    // The catalogue is loaded already: its thresholds are this command's options.
    const diagnostics = await loadDiagnostics();
    const settings = reportSettings(args, io, diagnostics);
    const file = stringValue(args.values.snapshot);
    checkFleetOnlyOptions(args);
    // --all-clusters takes --region(s) without --cluster: liveSettings would refuse them.
    const live = args.values['all-clusters'] === true ? undefined : liveSettings(args);
    // A wrong kubeconfig, context, region or profile is said before any call, not found missing later.
    if (live) await checkLiveInputs(live, io);
    // Before anything is read: an unwritable --trace path is said now, not after a long collection.
    const trace = traceWriter(args, 'diagnose', io, live ? { 'eks_doctor.cluster': live.clusterName, ...(live.region ? { 'aws.region': live.region } : {}) } : {});
    if (args.values['all-clusters'] === true) return auditAllClusters(args, settings, io, diagnostics);
    const keep = bundleKeeper(bundleSettings(args));
    // A bad file is said on the plain terminal, before the UI takes the screen.
    if (file && interactiveReport(io, settings, args.values.debug === true)) await loadSnapshotFile(file);
    const target = file ? `snapshot ${file}` : `cluster ${live?.clusterName ?? ''}${live?.region ? ` in ${live.region}` : ''}`;
    // The UI's header at once, before the checks and ink load; --debug gets the plain path (its lines would tear the screen).
    const source = snapshotSource(file, args, io);
    const interactive = startInteractiveScreen(io, settings, { debug: args.values.debug === true, target, doing: file ? 'Reading the snapshot…' : 'Loading the AWS SDK and starting the collection…' });
    // Reads afresh on every run: --watch sees a snapshot file another process rewrites, or the live cluster now.
    const setup = diagnosisSetup(settings, diagnostics);
    const runner = diagnosisRunner(async (request) => keep(await source(request)), live ? withLiveChangeHistory(setup, live, io, keep) : setup);
    return reportInteractivelyOrPlain({ runner, settings, io, diagnostics, target, interactive, ...(trace ? { trace } : {}), ...(live ? { waitLimits: { callTimeoutMs: live.callTimeoutMs, timeoutSeconds: live.timeoutSeconds } } : {}) });
  },
};
