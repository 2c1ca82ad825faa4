import type { CheckOptions } from '../engine/diagnostic.js';
import type { Selection } from '../engine/diagnose.js';
import { exitCodeFor, FAIL_ON_VALUES, type FailOn } from '../engine/exit-code.js';
import type { Report } from '../engine/report.js';
import { PLAIN_FORMATS, renderPlain, type PlainFormat } from '../render/index.js';
import { colorWanted } from '../render/style.js';
import { listValue, numberValue, stringValue, type CommandIo, type OptionSpec, type ParsedArgs } from './command.js';

/** Options shared by every command that produces a report (diagnose, demo). */
export const REPORT_OPTIONS: OptionSpec[] = [
  { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', description: `Report format: ${PLAIN_FORMATS.join(', ')} (default: text when not a terminal)`, choices: PLAIN_FORMATS },
  { name: 'fail-on', type: 'string', valueName: 'SEVERITY', description: 'Exit 1 when a finding is at or above: critical (default), warning, info, never', choices: FAIL_ON_VALUES },
  { name: 'only', type: 'string', multiple: true, valueName: 'CHECKS', description: 'Run only these checks (comma-separated ids, see `eks-doctor list`)' },
  { name: 'skip', type: 'string', multiple: true, valueName: 'CHECKS', description: 'Do not run these checks' },
  { name: 'join-grace-minutes', type: 'string', valueName: 'N', description: 'Minutes an instance may run before not joining is reported (default 10)' },
  { name: 'free-ip-threshold', type: 'string', valueName: 'N', description: 'Free addresses below which a subnet is reported (default 16)' },
  { name: 'no-color', type: 'boolean', description: 'No colours (also NO_COLOR)' },
];

export interface ReportSettings {
  format: PlainFormat;
  failOn: FailOn;
  selection: Selection;
  checkOptions: Partial<CheckOptions>;
  color: boolean;
}

export function reportSettings(args: ParsedArgs, io: CommandIo): ReportSettings {
  const v = args.values;
  const grace = numberValue('join-grace-minutes', v['join-grace-minutes'], { min: 0 });
  const freeIps = numberValue('free-ip-threshold', v['free-ip-threshold'], { min: 0, integer: true });
  const only = listValue(v.only);
  const skip = listValue(v.skip);
  return {
    format: (stringValue(v.output) as PlainFormat | undefined) ?? 'text',
    failOn: (stringValue(v['fail-on']) as FailOn | undefined) ?? 'critical',
    selection: { ...(only ? { only } : {}), ...(skip ? { skip } : {}) },
    checkOptions: { ...(grace !== undefined ? { joinGracePeriodMinutes: grace } : {}), ...(freeIps !== undefined ? { freeIpThreshold: freeIps } : {}) },
    color: colorWanted(io.stdout, io.env, v['no-color'] === true ? false : undefined),
  };
}

export function emitReport(report: Report, settings: ReportSettings, io: CommandIo): number {
  io.stdout.write(renderPlain(settings.format, report, { color: settings.color && settings.format === 'text' }));
  return exitCodeFor(report, { failOn: settings.failOn });
}
