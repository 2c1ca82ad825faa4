import { diagnoseSnapshot } from '../../engine/diagnose.js';
import type { DiagnosisRunner } from '../../engine/progress.js';
import { loadDiagnostics } from '../../engine/registry.js';
import { TOOL_VERSION } from '../../version.js';
import { stringValue, type CommandSpec } from '../command.js';
import { deliverReport } from '../deliver-report.js';
import { LIVE_OPTIONS, snapshotSource } from '../live-options.js';
import { REPORT_OPTIONS, reportSettings } from '../report-options.js';

export const diagnoseCommand: CommandSpec = {
  name: 'diagnose',
  summary: 'Diagnose a cluster: collect (read-only), run the checks, show root causes first.',
  usage: 'eks-doctor diagnose (--cluster NAME [--region REGION] | --snapshot FILE) [options]',
  options: [
    { name: 'snapshot', type: 'string', valueName: 'FILE', description: 'Analyse a saved snapshot offline instead of a live cluster' },
    ...LIVE_OPTIONS,
    ...REPORT_OPTIONS,
  ],
  examples: [
    'eks-doctor diagnose --cluster shop-prod --region eu-west-1',
    'eks-doctor diagnose --snapshot mocks/scenarios/node-role-not-mapped.json',
    'eks-doctor diagnose --snapshot bundle.json --output json --fail-on warning',
    'eks-doctor diagnose --snapshot bundle.json --output junit=report.xml --output sarif=report.sarif --fail-on warning --fail-on-error',
  ],
  async run(args, io) {
    const settings = reportSettings(args, io);
    const diagnostics = await loadDiagnostics();
    const readSnapshot = snapshotSource(stringValue(args.values.snapshot), args, io, diagnostics);
    // Reads afresh on every run: --watch sees a snapshot file another process rewrites, or the live cluster now.
    const runner: DiagnosisRunner = async ({ onEvent, only }) => {
      const selection = only ? { only } : settings.selection;
      const snapshot = await readSnapshot(selection, onEvent);
      return diagnoseSnapshot(snapshot, {
        diagnostics,
        selection,
        options: settings.checkOptions,
        toolVersion: TOOL_VERSION,
        ...(onEvent ? { onEvent } : {}),
      });
    };
    return deliverReport(runner, settings, io, diagnostics);
  },
};
