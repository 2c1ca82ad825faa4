/** `npm run docs`: writes docs/checks.md from the checks' metadata (run from the build output). */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDiagnostics } from '../engine/registry.js';
import { renderChecksDoc } from './checks-doc.js';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package root');
    dir = parent;
  }
  return dir;
}

export const CHECKS_DOC_PATH = join(packageRoot(), 'docs', 'checks.md');

if (import.meta.url === `file://${process.argv[1]}`) {
  const diagnostics = await loadDiagnostics();
  writeFileSync(CHECKS_DOC_PATH, renderChecksDoc(diagnostics));
  console.log(`wrote ${CHECKS_DOC_PATH} (${diagnostics.length} checks)`);
}
