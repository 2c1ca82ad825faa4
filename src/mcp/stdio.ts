/**
 * Runs the MCP server on stdin/stdout until the client closes stdin. stdout carries protocol
 * messages only: anything else written there would corrupt the stream, so the console's stdout
 * methods are pointed at stderr for the life of the server, and every log line goes to stderr.
 */
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { FileArea, rootDirectories } from './file-area.js';
import { LineTransport } from './stdio-transport.js';
import { createEksDoctorServer, type McpServerOptions } from './server.js';

export interface StdioServerSettings extends Omit<McpServerOptions, 'files'> {
  /** --dir; empty: the client's MCP roots. */
  dirs: string[];
}

export async function serveOverStdio(settings: StdioServerSettings): Promise<number> {
  const log = (line: string) => void settings.io.stderr.write(`eks-doctor mcp: ${line}\n`);
  for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;

  const files = new FileArea(
    settings.dirs.length > 0
      ? { kind: 'fixed', dirs: settings.dirs }
      : {
          kind: 'client-roots',
          listRoots: async () => {
            if (!server.server.getClientCapabilities()?.roots) return undefined;
            const { roots } = await server.server.listRoots();
            return rootDirectories(roots.map((r) => r.uri));
          },
        },
  );
  const server = createEksDoctorServer({ ...settings, files });
  const transport = new LineTransport(process.stdin, process.stdout);
  // The client closing stdin ends the session.
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  server.server.onerror = (error) => log(error.message);
  await server.connect(transport);
  log(
    `serving on stdio (MCP ${LATEST_PROTOCOL_VERSION}); files: ${files.describe()}; ` +
      `live collections bounded at ${settings.timeoutSeconds} s${settings.redact ? '; reports redacted' : ''}`,
  );
  await closed;
  await server.close();
  return 0;
}
