import { timedImport } from '../trace/tracer.js';
import type { Diagnostic } from './diagnostic.js';
import { importDiagnosticModules } from './diagnostic-modules.js';

/** The catalogue is the set of files in diagnostics/ (diagnostic-modules.ts): adding a check is adding a file there. */
let cache: Promise<Diagnostic[]> | undefined;

export function loadDiagnostics(): Promise<Diagnostic[]> {
  cache ??= (async () => {
    const loaded = await timedImport('diagnostics', importDiagnosticModules);
    const diagnostics = loaded.map(({ file, module }) => {
      if (!module.default || typeof module.default.check !== 'function') throw new Error(`diagnostics/${file} does not export a diagnostic as default`);
      return module.default;
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
