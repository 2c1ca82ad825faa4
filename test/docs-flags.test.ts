/**
 * The docs and the commands agree on flags: every flag of each command's --help (and its short
 * form) is documented in README.md or docs/, and every eks-doctor flag the docs name exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCatalogueOptions, type CommandSpec } from '../src/cli/command.js';
import { COMMANDS } from '../src/cli/commands/index.js';

const root = join(import.meta.dirname, '..');
const docs = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))].map((file) => ({
  file: file.slice(root.length + 1),
  text: readFileSync(file, 'utf8'),
}));
const allText = docs.map((d) => d.text).join('\n');
const commands: CommandSpec[] = await Promise.all(COMMANDS.map((c) => withCatalogueOptions(c)));
const COMMAND_NAMES = new Set(commands.map((c) => c.name));

/** Flags written after `eks-doctor` on a line (a command line in a code block or a code span), up to a pipe or a comment. */
function eksDoctorFlags(text: string): { flag: string; line: string }[] {
  const found: { flag: string; line: string }[] = [];
  for (const line of text.split('\n')) {
    // The program, not a namespace or a value: `eks-doctor diagnose ...`, `npx eks-doctor --help`, never `-n eks-doctor`.
    for (const m of line.matchAll(/(?<!-[\w-]*[ =])(?<![\w/.-])eks-doctor (\S+)([^`|#\n]*)/g)) {
      if (!COMMAND_NAMES.has(m[1]!) && !m[1]!.startsWith('-')) continue;
      const args = `${m[1]!} ${m[2]!}`;
      for (const f of args.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)) found.push({ flag: f[1]!, line: line.trim() });
    }
  }
  return found;
}

describe.each(commands.map((c) => [c.name, c] as const))('eks-doctor %s --help', (_name, command) => {
  it('every flag is documented', () => {
    const missing = command.options.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]).filter((flag) => !new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(allText));
    expect(missing).toEqual([]);
  });
});

describe('flags the docs name', () => {
  const known = new Set(['--help', '-h', '--version', '-v', ...commands.flatMap((c) => c.options.flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]))]);
  it.each(docs.map((d) => [d.file, d.text] as const))('%s: every eks-doctor flag it names exists', (_file, text) => {
    const unknown = eksDoctorFlags(text).filter((f) => !known.has(f.flag));
    expect(unknown).toEqual([]);
  });
});
