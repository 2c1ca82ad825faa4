/**
 * Which source modules a process loaded, with the CLI bundled: the import recorder
 * (test/tui/record-imports.mjs) sees the bundle's files, and the build's metafile
 * (dist/bundle/metafile.json, written by scripts/bundle.mjs) says which modules each file holds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/package-root.js';

/** The clone (from test/support/, and from dist/test/support/ where the bench compiles this). */
const root = packageRoot();
export const METAFILE = join(root, 'dist', 'bundle', 'metafile.json');

/** esbuild's metafile, the parts these tests read. */
export interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }>; imports: { path: string; kind: string }[]; bytes: number }>;
}

export function readMetafile(): Metafile {
  return JSON.parse(readFileSync(METAFILE, 'utf8')) as Metafile;
}

/** The bundle files reached from `file` by static imports: what loading it loads. */
export function staticClosure(metafile: Metafile, file: string, reached = new Set<string>()): Set<string> {
  if (reached.has(file) || !metafile.outputs[file]) return reached;
  reached.add(file);
  for (const i of metafile.outputs[file].imports) if (i.kind === 'import-statement') staticClosure(metafile, i.path, reached);
  return reached;
}

/** The modules held by these bundle files, as absolute paths ('/…/node_modules/ink/build/ink.js', '/…/src/render/json.ts'). */
export function modulesIn(metafile: Metafile, files: Iterable<string>): string[] {
  return [...new Set([...files].flatMap((f) => Object.keys(metafile.outputs[f]?.inputs ?? {})))].map((input) => join(root, input));
}

/**
 * The modules behind the URLs a process resolved: a file of the bundle stands for the modules in
 * it, any other file for itself (absolute paths).
 */
export function loadedModules(urls: string[]): string[] {
  const metafile = existsSync(METAFILE) ? readMetafile() : { outputs: {} };
  return urls
    .filter((u) => u.startsWith('file:'))
    .flatMap((u) => {
      const path = fileURLToPath(u);
      const output = relative(root, path);
      return metafile.outputs[output] ? modulesIn(metafile, [output]) : [path];
    });
}

export const isUiModule = (path: string) => /\/node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(path);
export const isMcpSdkModule = (path: string) => path.includes('/node_modules/@modelcontextprotocol/');
