/** Commands are data: a duplicated option (two option lists spread into one command) would be parsed once and listed twice. */
import { describe, expect, it } from 'vitest';
import { withCatalogueOptions } from '../src/cli/command.js';
import { COMMANDS } from '../src/cli/commands/index.js';

describe.each(COMMANDS)('command $name', (declared) => {
  it('declares each option and short flag once, with the flags of the checks\' thresholds', async () => {
    const command = await withCatalogueOptions(declared);
    const names = command.options.map((o) => o.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const shorts = command.options.flatMap((o) => (o.short ? [o.short] : []));
    expect(shorts.filter((s, i) => shorts.indexOf(s) !== i)).toEqual([]);
  });
});
