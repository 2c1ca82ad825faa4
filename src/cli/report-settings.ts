/**
 * Parsing of the options every report command shares (diagnose, demo): formats and files, the
 * exit-code policy, check selection and thresholds, the config file, --watch. Reading the config
 * file is the only I/O; report-output.ts writes reports and computes the exit code.
 */
import { AUDIT_OPTIONS, auditSettings, type AuditSettings } from '../audit/options.js';
import { checkConfigAgainstCatalogue, loadConfig, type EksDoctorConfig } from '../config/config-file.js';
import { catalogueThresholds, type Diagnostic, type ThresholdValues } from '../engine/diagnostic.js';
import type { DiagnosisSetup, Selection } from '../engine/diagnose.js';
import { FAIL_ON_VALUES, type FailOn } from '../engine/exit-code.js';
import { DEFAULT_CHANGE_WINDOW_HOURS } from '../enrich/plan.js';
import { isPlainFormat, PLAIN_FORMATS, type PlainFormat } from '../render/index.js';
import { colorWanted } from '../render/style.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';
import { listValue, numberValue, stringValue, type CommandIo, type OptionSpec, type ParsedArgs } from './command.js';
import { TRACE_OPTION } from './trace-option.js';

/** LookupEvents reads the last 90 days of management events. */
const CLOUDTRAIL_LOOKUP_DAYS = 90;

/** `--watch` alone re-checks this often. */
export const DEFAULT_WATCH_SECONDS = 30;

/** Options shared by every command that produces a report (diagnose, demo). */
export const REPORT_OPTIONS: OptionSpec[] = [
  {
    name: 'output',
    short: 'o',
    type: 'string',
    multiple: true,
    valueName: 'FORMAT[=PATH]',
    description: `Report format: ${PLAIN_FORMATS.join(', ')} (default: text when not a terminal). FORMAT=PATH writes that format to a file; repeat for several`,
  },
  { name: 'output-file', type: 'string', valueName: 'PATH', description: 'Write the report to PATH (format from --output, else from the extension: .json .xml .sarif .md .txt) and show a short summary' },
  { name: 'fail-on', type: 'string', valueName: 'SEVERITY', description: 'Exit 1 when a finding is at or above: critical (default), warning, info, never', choices: FAIL_ON_VALUES },
  { name: 'fail-on-error', type: 'boolean', description: 'Also exit 1 when a check could not run (denied permission, unreachable API server)' },
  { name: 'only', type: 'string', multiple: true, valueName: 'CHECKS', description: 'Run only these checks (comma-separated ids, see `eks-doctor list`)' },
  { name: 'skip', type: 'string', multiple: true, valueName: 'CHECKS', description: 'Do not run these checks' },
  { name: 'config', type: 'string', valueName: 'FILE', description: 'Suppressions, check selection and thresholds (default: ./.eks-doctor.yaml when present)' },
  { name: 'no-config', type: 'boolean', description: 'Ignore ./.eks-doctor.yaml (an audit with nothing suppressed)' },
  {
    name: 'watch',
    type: 'string',
    valueName: 'SECONDS',
    valueWhenBare: String(DEFAULT_WATCH_SECONDS),
    description: `Re-check every SECONDS (default ${DEFAULT_WATCH_SECONDS}); without a terminal, one JSON report per line with the keys new and resolved`,
  },
  { name: 'watch-count', type: 'string', valueName: 'N', description: 'Stop --watch after N reports (exit code of the last one)' },
  ...AUDIT_OPTIONS,
  { name: 'change-window', type: 'string', valueName: 'HOURS', description: `How far back the change history beside each root cause looks (default ${DEFAULT_CHANGE_WINDOW_HOURS}; CloudTrail keeps ${CLOUDTRAIL_LOOKUP_DAYS} days)` },
  { name: 'no-change-history', type: 'boolean', description: 'No change history: no CloudTrail or EKS update lookups after the diagnosis, no "Changed recently" evidence' },
  TRACE_OPTION,
  { name: 'no-color', type: 'boolean', description: 'No colours (also NO_COLOR)' },
];

/** A flag per threshold the checks declare (--free-ip-threshold N): the report commands' options that come from the catalogue. */
export function thresholdOptions(diagnostics: readonly Diagnostic[]): OptionSpec[] {
  return [...catalogueThresholds(diagnostics).values()].map((t) => ({ name: t.flag, type: 'string', valueName: 'N', description: `${t.description} (default ${t.default})` }));
}

export interface FileOutput {
  format: PlainFormat;
  path: string;
}

export interface ReportSettings {
  /** The format written to stdout (when `stdout` is 'report'). */
  format: PlainFormat;
  /** 'summary' when the report goes only to files: the terminal then shows a few lines. */
  stdout: 'report' | 'summary';
  /** Whether any --output or --output-file was given (the interactive UI runs only when none was). */
  outputGiven: boolean;
  files: FileOutput[];
  failOn: FailOn;
  failOnError: boolean;
  selection: Selection;
  /** Threshold values given by flags or the config file, by threshold name. */
  checkOptions: ThresholdValues;
  color: boolean;
  /** The config file read, if any. */
  config?: EksDoctorConfig;
  watch?: { seconds: number; count?: number };
  /** --history, --notify, --metrics-file, --pushgateway: a scheduled run's outputs (src/audit). */
  audit?: AuditSettings;
  /** --change-window and --no-change-history: the change history beside the root causes (src/enrich). */
  changeHistory: { enabled: boolean; windowHours: number };
}

const EXTENSION_FORMATS: [string, PlainFormat][] = [
  ['.sarif.json', 'sarif'],
  ['.sarif', 'sarif'],
  ['.json', 'json'],
  ['.xml', 'junit'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.txt', 'text'],
  ['.log', 'text'],
];

function formatFor(path: string): PlainFormat {
  const lower = path.toLowerCase();
  return EXTENSION_FORMATS.find(([ext]) => lower.endsWith(ext))?.[1] ?? 'json';
}

function parseOutputs(values: string[], outputFile: string | undefined): { stdoutFormats: PlainFormat[]; files: FileOutput[] } {
  const stdoutFormats: PlainFormat[] = [];
  const files: FileOutput[] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    const format = eq === -1 ? value : value.slice(0, eq);
    if (!isPlainFormat(format)) throw new UserError(`--output must be one of ${PLAIN_FORMATS.join(', ')} (optionally FORMAT=PATH); got '${value}'`);
    if (eq === -1) stdoutFormats.push(format);
    else {
      const path = value.slice(eq + 1);
      if (path === '') throw new UserError(`--output ${format}= needs a file path after '='`);
      files.push({ format, path });
    }
  }
  if (stdoutFormats.length > 1) {
    throw new UserError(`only one --output format can go to the terminal; got ${stdoutFormats.join(', ')}`, 'Write the others to files: --output junit=report.xml');
  }
  if (outputFile !== undefined) {
    // --output FORMAT --output-file PATH: the format names the file's format, the terminal gets the summary.
    files.push({ format: stdoutFormats.pop() ?? formatFor(outputFile), path: outputFile });
  }
  const paths = files.map((f) => f.path);
  const repeated = paths.find((p, i) => paths.indexOf(p) !== i);
  if (repeated) throw new UserError(`two reports would be written to ${repeated}`);
  return { stdoutFormats, files };
}

export function reportSettings(args: ParsedArgs, io: CommandIo, diagnostics: readonly Diagnostic[], cwd: string = process.cwd()): ReportSettings {
  const v = args.values;
  const thresholds = catalogueThresholds(diagnostics);
  const fromThresholdFlags: Record<string, number> = {};
  for (const [name, t] of thresholds) {
    const value = numberValue(t.flag, v[t.flag], { min: t.min, integer: t.integer });
    if (value !== undefined) fromThresholdFlags[name] = value;
  }
  const only = listValue(v.only);
  const skip = listValue(v.skip);
  const outputValues = Array.isArray(v.output) ? v.output : typeof v.output === 'string' ? [v.output] : [];
  const outputFile = stringValue(v['output-file']);
  const { stdoutFormats, files } = parseOutputs(outputValues, outputFile);
  const config = loadConfig({ cwd, thresholds, disabled: v['no-config'] === true, ...(stringValue(v.config) !== undefined ? { path: stringValue(v.config)! } : {}) });
  if (v['no-config'] === true && v.config !== undefined) throw new UserError('--config and --no-config contradict each other');

  const watchSeconds = numberValue('watch', v.watch, { min: 0 });
  const watchCount = numberValue('watch-count', v['watch-count'], { min: 1, integer: true });
  if (watchCount !== undefined && watchSeconds === undefined) throw new UserError('--watch-count needs --watch');
  const format = stdoutFormats[0] ?? 'text';
  if (watchSeconds !== undefined && stdoutFormats.length > 0 && format !== 'json') {
    throw new UserError(`--watch writes one JSON report per line; --output ${format} cannot be watched`, 'Use --output json (or no --output), and FORMAT=PATH for files, rewritten after every run.');
  }

  const audit = auditSettings(args, { watch: watchSeconds !== undefined });
  const changeWindow = numberValue('change-window', v['change-window'], { min: 1 });
  if (changeWindow !== undefined && changeWindow > CLOUDTRAIL_LOOKUP_DAYS * 24) throw new UserError(`--change-window must be at most ${CLOUDTRAIL_LOOKUP_DAYS * 24} hours: CloudTrail's event history keeps ${CLOUDTRAIL_LOOKUP_DAYS} days; got '${changeWindow}'`);
  if (changeWindow !== undefined && v['no-change-history'] === true) throw new UserError('--change-window and --no-change-history contradict each other');

  // Flags win over the file: --only or --skip replaces the file's whole selection, a threshold flag that threshold.
  const fromFlags = only !== undefined || skip !== undefined;
  const selectedOnly = fromFlags ? only : config?.only;
  const selectedSkip = fromFlags ? skip : config?.skip;
  return {
    format,
    stdout: stdoutFormats.length === 0 && files.length > 0 ? 'summary' : 'report',
    outputGiven: outputValues.length > 0 || outputFile !== undefined,
    files,
    failOn: (stringValue(v['fail-on']) as FailOn | undefined) ?? 'critical',
    failOnError: v['fail-on-error'] === true,
    selection: { ...(selectedOnly ? { only: selectedOnly } : {}), ...(selectedSkip ? { skip: selectedSkip } : {}) },
    checkOptions: { ...config?.thresholds, ...fromThresholdFlags },
    color: colorWanted(io.stdout, io.env, v['no-color'] === true ? false : undefined),
    ...(config ? { config } : {}),
    ...(watchSeconds !== undefined ? { watch: { seconds: watchSeconds, ...(watchCount !== undefined ? { count: watchCount } : {}) } } : {}),
    ...(audit ? { audit } : {}),
    changeHistory: { enabled: v['no-change-history'] !== true, windowHours: changeWindow ?? DEFAULT_CHANGE_WINDOW_HOURS },
  };
}

/**
 * What the engine's runner is asked, from the settings: the selection, thresholds and the config
 * file's suppressions. The config file is checked against the catalogue first (unknown check or
 * finding ids are errors with their line), before anything is collected.
 */
export function diagnosisSetup(settings: ReportSettings, diagnostics: Diagnostic[]): DiagnosisSetup {
  if (settings.config) checkConfigAgainstCatalogue(settings.config, diagnostics);
  return {
    diagnostics,
    selection: settings.selection,
    options: settings.checkOptions,
    ...(settings.config ? { suppressions: { file: settings.config.file, rules: settings.config.suppressions } } : {}),
    toolVersion: TOOL_VERSION,
    changeHistory: settings.changeHistory.enabled ? { windowHours: settings.changeHistory.windowHours } : false,
  };
}

