/** `npm run docs`: writes docs/checks.md from the checks' metadata (run from the build output). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDiagnostics } from '../engine/registry.js';
import { renderChecksDoc } from './checks-doc.js';
import { packageRoot } from '../package-root.js';

export const CHECKS_DOC_PATH = join(packageRoot(), 'docs', 'checks.md');

if (import.meta.url === `file://${process.argv[1]}`) {
  const diagnostics = await loadDiagnostics();
  writeFileSync(CHECKS_DOC_PATH, renderChecksDoc(diagnostics));
  console.log(`wrote ${CHECKS_DOC_PATH} (${diagnostics.length} checks)`);
}
