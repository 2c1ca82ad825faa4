/**
 * The end of a report command: report files, the report or its summary on stdout, expired
 * suppressions on stderr, and the exit code. The options were parsed by report-settings.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expiredSuppressionWarnings } from '../engine/suppress.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { EXIT_COULD_NOT_CHECK, exitCodeFor } from '../engine/exit-code.js';
import type { Report } from '../engine/report.js';
import type { FindingCatalogue } from '../render/catalogue.js';
import { renderPlain } from '../render/index.js';
import { renderSummary } from '../render/summary.js';
import { UserError } from '../user-error.js';
import { couldNotCheckMessage } from './could-not-check.js';
import type { CommandIo } from './command.js';
import type { FileOutput, ReportSettings } from './report-settings.js';

export function writeReportFiles(report: Report, files: FileOutput[], catalogue: FindingCatalogue | undefined): void {
  for (const file of files) {
    try {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, renderPlain(file.format, report, { color: false, ...(catalogue ? { catalogue } : {}) }));
    } catch (error) {
      throw new UserError(`cannot write the ${file.format} report to ${file.path}: ${(error as Error).message}`);
    }
  }
}

export function reportExitCode(report: Report, settings: ReportSettings, diagnostics: readonly Diagnostic[]): number {
  return exitCodeFor(report, { failOn: settings.failOn, failOnError: settings.failOnError }, diagnostics);
}

/** Writes one report where the settings say (stdout, files, summary) and returns the exit code. */
export function emitReport(report: Report, settings: ReportSettings, io: CommandIo, diagnostics: readonly Diagnostic[]): number {
  for (const warning of expiredSuppressionWarnings(report)) io.stderr.write(`${warning}\n`);
  writeReportFiles(report, settings.files, diagnostics);
  if (settings.stdout === 'summary') {
    io.stdout.write(renderSummary(report, settings.files, { color: settings.color }));
  } else {
    io.stdout.write(renderPlain(settings.format, report, { color: settings.color && settings.format === 'text', catalogue: diagnostics }));
  }
  const code = reportExitCode(report, settings, diagnostics);
  // The report (perhaps JSON for a machine) lists every check; a person reading stderr gets the one reason.
  if (code === EXIT_COULD_NOT_CHECK) io.stderr.write(`${couldNotCheckMessage(report)}\n`);
  return code;
}
