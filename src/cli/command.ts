import { parseArgs } from 'node:util';
import type { Diagnostic } from '../engine/diagnostic.js';
import { loadDiagnostics } from '../engine/registry.js';
import { UserError } from '../user-error.js';

/** A command declared as data: its help text and its parsing come from the same declaration. */
export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  valueName?: string;
  description: string;
  /** Values accepted; anything else is a user error listing them. */
  choices?: readonly string[];
  /** For a string option whose value may be left out (`--watch` or `--watch 10`): the value it then takes. */
  valueWhenBare?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: OptionSpec[];
  /**
   * Options that come from the catalogue of checks (their thresholds' flags), listed after `options`.
   * The catalogue is loaded only for a command that has them, when it runs or shows its help.
   */
  catalogueOptions?: (diagnostics: readonly Diagnostic[]) => OptionSpec[];
  /** Names of positional arguments, for help; undefined means none accepted. */
  positionals?: { name: string; description: string }[];
  examples?: string[];
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CommandIo {
  stdout: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown };
  stdin: { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The command with its catalogue options in `options`: what parsing and --help work from. */
export async function withCatalogueOptions(command: CommandSpec): Promise<CommandSpec> {
  if (!command.catalogueOptions) return command;
  return { ...command, options: [...command.options, ...command.catalogueOptions(await loadDiagnostics())] };
}

export function parseCommandArgs(command: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of command.options) {
    options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: withNegativeValues(command, withBareValues(command, argv)), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${command.name}: ${message}`, `Run \`eks-doctor ${command.name} --help\` for the options.`);
  }
  if (!command.positionals && parsed.positionals.length > 0) {
    throw new UserError(`${command.name}: unexpected argument '${parsed.positionals[0]}'`, `Run \`eks-doctor ${command.name} --help\` for the usage.`);
  }
  if (command.positionals && parsed.positionals.length > command.positionals.length) {
    throw new UserError(`${command.name}: unexpected argument '${parsed.positionals[command.positionals.length]}'`, `Run \`eks-doctor ${command.name} --help\` for the usage.`);
  }
  for (const o of command.options) {
    if (!o.choices) continue;
    const raw = parsed.values[o.name];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const v of values) {
      if (typeof v === 'string' && !o.choices.includes(v)) {
        throw new UserError(`${command.name}: --${o.name} must be one of ${o.choices.join(', ')}; got '${v}'`);
      }
    }
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/**
 * parseArgs has no optional values: `--watch` followed by nothing or by another option becomes
 * `--watch=<valueWhenBare>`, so `--watch --snapshot f` does not take `--snapshot` as the seconds.
 */
function withBareValues(command: CommandSpec, argv: string[]): string[] {
  const bare = new Map(command.options.filter((o) => o.valueWhenBare !== undefined).map((o) => [`--${o.name}`, o.valueWhenBare!]));
  if (bare.size === 0) return argv;
  return argv.map((token, i) => {
    const value = bare.get(token);
    const next = argv[i + 1];
    return value !== undefined && (next === undefined || next.startsWith('-')) ? `${token}=${value}` : token;
  });
}

/**
 * parseArgs refuses `--timeout -1` as ambiguous (the value looks like an option): a string option
 * followed by a negative number takes it as its value, so the option's own check says what it accepts.
 */
function withNegativeValues(command: CommandSpec, argv: string[]): string[] {
  const takesValue = new Set(command.options.filter((o) => o.type === 'string').flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(token) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(token.startsWith('--') ? `${token}=${next}` : `${token}${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.positionals && command.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(28)} ${p.description}`);
  }
  lines.push('', 'Options:');
  for (const o of command.options) {
    const value = o.valueWhenBare !== undefined ? ` [${o.valueName ?? 'VALUE'}]` : ` ${o.valueName ?? 'VALUE'}`;
    const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'string' ? value : ''}`;
    lines.push(`  ${flag.padEnd(28)} ${o.description}`);
  }
  if (command.examples && command.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of command.examples) lines.push(`  ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Comma lists and repeated flags both work: --only a,b --only c. */
export function listValue(value: string | boolean | string[] | undefined): string[] | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function stringValue(value: string | boolean | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value[value.length - 1];
  return typeof value === 'string' ? value : undefined;
}

export function numberValue(name: string, value: string | boolean | string[] | undefined, opts: { min?: number; integer?: boolean } = {}): number | undefined {
  const text = stringValue(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new UserError(`--${name} must be a${opts.integer ? ' whole' : ''} number${opts.min !== undefined ? ` of at least ${opts.min}` : ''}; got '${text}'`);
  }
  return n;
}
