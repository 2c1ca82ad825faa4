/** Module resolution hooks (run on the loader thread): append each resolved URL to the log file. */
import { appendFileSync } from 'node:fs';

let logFile = '';

export function initialize(data: { log: string }): void {
  logFile = data.log;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, nextResolve: Resolve): Promise<{ url: string }> {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
}
