import type { Diagnostic } from '../engine/diagnostic.js';
import type { DiagnosisRunner } from '../engine/progress.js';
import type { CommandIo } from './command.js';
import { checkSettingsAgainstCatalogue, configuredRunner, emitReport, type ReportSettings } from './report-options.js';
import { watchNdjson } from './watch-ndjson.js';

/**
 * The non-interactive end of every report command (diagnose, demo): checks the config file against
 * the catalogue, applies its suppressions to each report, then either writes one report (stdout,
 * files, summary) or, with --watch, one JSON line per run. Returns the exit code.
 */
export async function deliverReport(runner: DiagnosisRunner, settings: ReportSettings, io: CommandIo, diagnostics: Diagnostic[]): Promise<number> {
  checkSettingsAgainstCatalogue(settings, diagnostics);
  const configured = configuredRunner(runner, settings);
  if (settings.watch) return watchNdjson(configured, settings, io, diagnostics);
  return emitReport(await configured({}), settings, io, diagnostics);
}
