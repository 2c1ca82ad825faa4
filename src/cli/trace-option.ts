/**
 * `--trace FILE` (diagnose, demo, collect): each run recorded as OpenTelemetry spans and written to
 * FILE as OTLP JSON when the run ends, whatever its outcome (a failed run's trace shows where it
 * failed). With --watch the file is rewritten after every run with that run's trace. The report on
 * stdout never depends on it: the path is checked before anything is collected, and a write that
 * fails later is a warning on stderr.
 */
import { closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DiagnosisRunner } from '../engine/progress.js';
import { RecordingTracer, type Attributes } from '../trace/tracer.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';
import { stringValue, type CommandIo, type OptionSpec, type ParsedArgs } from './command.js';

export const TRACE_OPTION: OptionSpec = {
  name: 'trace',
  type: 'string',
  valueName: 'FILE',
  description: 'Write the run as OpenTelemetry spans (OTLP JSON) to FILE: its phases, every AWS and Kubernetes request, every check (docs/performance.md)',
};

/** Whether a run of this process has been recorded yet: only the first one's trace starts at the process's start. */
let processStartRecorded = false;

export class TraceWriter {
  constructor(
    readonly path: string,
    private readonly command: string,
    private readonly io: Pick<CommandIo, 'stderr'>,
    private readonly attributes: Attributes = {},
  ) {}

  /**
   * Records one run: a fresh trace whose root span lasts as long as `body`, written to the file
   * when `body` settles. The tracer is handed to `body` for everything the run does.
   */
  async record<T>(body: (tracer: RecordingTracer) => Promise<T>): Promise<T> {
    const tracer = new RecordingTracer(`eks-doctor ${this.command}`, { 'eks_doctor.command': this.command, ...this.attributes }, {
      'service.name': 'eks-doctor',
      'service.version': TOOL_VERSION,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    }, { fromProcessStart: !processStartRecorded });
    processStartRecorded = true;
    let result: T;
    try {
      result = await body(tracer);
    } catch (error) {
      this.write(tracer, error instanceof Error ? error.name : 'Error');
      throw error;
    }
    this.write(tracer);
    return result;
  }

  /** The runner, each run of it recorded (the interactive UI's runs, which render continuously, have no render phase). */
  traced(runner: DiagnosisRunner): DiagnosisRunner {
    return (args) => this.record((tracer) => runner({ ...args, tracer }));
  }

  private write(tracer: RecordingTracer, error?: string): void {
    const document = tracer.finish(error);
    try {
      writeFileSync(this.path, `${JSON.stringify(document)}\n`);
    } catch (failure) {
      // The report is already out (or about to be): a lost trace must not cost it or its exit code.
      this.io.stderr.write(`eks-doctor: could not write the trace to ${this.path}: ${(failure as Error).message}\n`);
    }
  }
}

/**
 * The --trace writer, or undefined without --trace. The file is opened (created if absent, not
 * truncated) now, so a path that cannot be written is a user error before anything is collected.
 */
export function traceWriter(args: ParsedArgs, command: string, io: Pick<CommandIo, 'stderr'>, attributes: Attributes = {}): TraceWriter | undefined {
  const path = stringValue(args.values.trace);
  if (path === undefined) return undefined;
  if (path === '' || path === '-') throw new UserError('--trace needs a file path', 'The report goes to stdout; give the trace a file, for example --trace trace.json.');
  if (args.values['all-clusters'] === true) {
    throw new UserError('--trace records one cluster\'s run and does not combine with --all-clusters', 'Trace one cluster: --cluster NAME --trace FILE.');
  }
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`--trace ${path} is a directory`, 'Give a file path, for example --trace trace.json.');
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot write the trace to ${path}: ${(error as Error).message}`, 'Give --trace a path in a directory you can write to.');
  }
  return new TraceWriter(path, command, io, attributes);
}

/** Runs `body` under the writer's trace, or untraced (the tracer then records nothing) without --trace. */
export function maybeTraced<T>(trace: TraceWriter | undefined, body: (tracer?: RecordingTracer) => Promise<T>): Promise<T> {
  return trace ? trace.record(body) : body();
}
