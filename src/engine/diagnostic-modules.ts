/**
 * The catalogue's modules: every file in diagnostics/ (diagnostics/lib/ holds shared helpers and is
 * not scanned), so adding a check is adding a file there. The bundled build (scripts/bundle.mjs)
 * replaces this module with static imports of the same files, picked by the same rule.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from './diagnostic.js';

export interface DiagnosticModule {
  /** The file's name in diagnostics/, for error messages. */
  file: string;
  module: { default?: Diagnostic };
}

/** Whether a file of diagnostics/ is a check module ('.ts' from the sources, '.js' once compiled). */
export function isDiagnosticFile(name: string, extension: string): boolean {
  return name.endsWith(extension) && !name.endsWith(`.test${extension}`) && !name.endsWith('.d.ts');
}

/** The check modules' files in diagnostics/, sorted. */
export function diagnosticFiles(diagnosticsDir: string, extension: string): string[] {
  return readdirSync(diagnosticsDir)
    .filter((f) => isDiagnosticFile(f, extension))
    .sort();
}

export async function importDiagnosticModules(): Promise<DiagnosticModule[]> {
  const here = dirname(fileURLToPath(import.meta.url));
  const diagnosticsDir = join(here, '..', '..', 'diagnostics');
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const files = diagnosticFiles(diagnosticsDir, extension);
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(diagnosticsDir, f)).href) as Promise<{ default?: Diagnostic }>));
  return modules.map((module, i) => ({ file: files[i]!, module }));
}
