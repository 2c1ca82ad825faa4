/** Commands are data: a duplicated option (two option lists spread into one command) would be parsed once and listed twice. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';

describe.each(COMMANDS)('command $name', (command) => {
  it('declares each option and short flag once', () => {
    const names = command.options.map((o) => o.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const shorts = command.options.flatMap((o) => (o.short ? [o.short] : []));
    expect(shorts.filter((s, i) => shorts.indexOf(s) !== i)).toEqual([]);
  });
});
