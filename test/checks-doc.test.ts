import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDiagnostics } from '../src/engine/registry.js';
import { renderChecksDoc } from '../src/docs/checks-doc.js';
import { CHECKS_DOC_PATH } from '../src/docs/write-checks-doc.js';

describe('docs/checks.md', () => {
  it('is generated from the current checks (run `npm run docs`)', async () => {
    const expected = renderChecksDoc(await loadDiagnostics());
    const onDisk = readFileSync(CHECKS_DOC_PATH, 'utf8');
    expect(onDisk === expected, 'docs/checks.md is stale: run npm run docs').toBe(true);
  });

  it('lists every check and every finding id, and for each symptom kind who reports and who explains it', async () => {
    const diagnostics = await loadDiagnostics();
    const doc = renderChecksDoc(diagnostics);
    for (const d of diagnostics) {
      expect(doc).toContain(`### ${d.id}\n`);
      for (const c of Object.keys(d.codes)) expect(doc).toContain(`| \`${d.id}/${c}\` |`);
    }
    expect(doc).toMatch(/### `node-not-ready`\n\nNodes that are not Ready\.\n\n- Reported by: `node-conditions\/node-not-ready`\n- Can be explained by: .*`node-conditions\/cni-not-running`/);
  });
});
