import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timedImport } from '../trace/tracer.js';
import type { Diagnostic } from './diagnostic.js';

/**
 * The catalogue is the set of files in diagnostics/: adding a check is adding a file there.
 * Shared helpers live in diagnostics/lib/, which is not scanned.
 */
const here = dirname(fileURLToPath(import.meta.url));
const diagnosticsDir = join(here, '..', '..', 'diagnostics');
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let cache: Promise<Diagnostic[]> | undefined;

export function loadDiagnostics(): Promise<Diagnostic[]> {
  cache ??= (async () => {
    const files = readdirSync(diagnosticsDir)
      .filter((f) => f.endsWith(extension) && !f.endsWith(`.test${extension}`) && !f.endsWith('.d.ts'))
      .sort();
    const modules = await timedImport('diagnostics', () => Promise.all(files.map((f) => import(pathToFileURL(join(diagnosticsDir, f)).href) as Promise<{ default?: Diagnostic }>)));
    const diagnostics = modules.map((m, i) => {
      if (!m.default || typeof m.default.check !== 'function') throw new Error(`diagnostics/${files[i]} does not export a diagnostic as default`);
      return m.default;
    });
    const ids = new Set<string>();
    for (const d of diagnostics) {
      if (ids.has(d.id)) throw new Error(`two diagnostics share the id '${d.id}'`);
      ids.add(d.id);
    }
    return diagnostics.sort((a, b) => a.id.localeCompare(b.id));
  })();
  return cache;
}
