import { diagnoseSnapshot } from '../../engine/diagnose.js';
import type { DiagnosisRunner } from '../../engine/progress.js';
import { loadDiagnostics } from '../../engine/registry.js';
import { loadSnapshotFile } from '../../snapshot/load.js';
import { UserError } from '../../user-error.js';
import { TOOL_VERSION } from '../../version.js';
import { stringValue, type CommandSpec } from '../command.js';
import { deliverReport } from '../deliver-report.js';
import { REPORT_OPTIONS, reportSettings } from '../report-options.js';

export const diagnoseCommand: CommandSpec = {
  name: 'diagnose',
  summary: 'Diagnose a cluster: collect (read-only), run the checks, show root causes first.',
  usage: 'eks-doctor diagnose --snapshot FILE [options]',
  options: [
    { name: 'snapshot', type: 'string', valueName: 'FILE', description: 'Analyse a saved snapshot offline instead of a live cluster' },
    ...REPORT_OPTIONS,
  ],
  examples: [
    'eks-doctor diagnose --snapshot mocks/scenarios/node-role-not-mapped.json',
    'eks-doctor diagnose --snapshot bundle.json --output json --fail-on warning',
    'eks-doctor diagnose --snapshot bundle.json --output junit=report.xml --output sarif=report.sarif --fail-on warning --fail-on-error',
  ],
  async run(args, io) {
    const settings = reportSettings(args, io);
    const file = stringValue(args.values.snapshot);
    if (!file) throw new UserError('diagnose needs a cluster to look at', 'Give --snapshot FILE (a saved snapshot), or try `eks-doctor demo`.');
    const diagnostics = await loadDiagnostics();
    // Re-reads the snapshot on every run, so --watch sees a file that another process rewrites.
    const runner: DiagnosisRunner = async ({ onEvent, only }) => {
      const snapshot = await loadSnapshotFile(file);
      return diagnoseSnapshot(snapshot, {
        diagnostics,
        selection: only ? { only } : settings.selection,
        options: settings.checkOptions,
        toolVersion: TOOL_VERSION,
        ...(onEvent ? { onEvent } : {}),
      });
    };
    return deliverReport(runner, settings, io, diagnostics);
  },
};
