import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { KEY_HELP } from './keys.js';

it('docs/tui.md lists exactly the keys the UI knows', () => {
  const doc = readFileSync(new URL('../../docs/tui.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## Keys'), doc.indexOf('\n## ', doc.indexOf('## Keys') + 1));
  const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| keys') && !l.startsWith('| ---'));
  expect(rows).toEqual(KEY_HELP.map((k) => `| ${k.keys} | ${k.action} |`));
});
