import { DEFAULT_CALL_TIMEOUT_MS } from '../../collect/aws/defaults.js';
import { loadDiagnostics } from '../../engine/registry.js';
import { REDACT_OPTION } from '../bundle-options.js';
import { listValue, type CommandSpec } from '../command.js';
import { timeoutSettings } from '../live-settings.js';
import { resolve } from 'node:path';
import { timedImport } from '../../trace/tracer.js';

/**
 * MCP clients give up on a request after 60 seconds unless told otherwise: a live collection in
 * this mode stops at 45, which leaves the checks, the correlation and the answer time to arrive.
 */
export const MCP_DEFAULT_TIMEOUT_SECONDS = 45;

export const mcpCommand: CommandSpec = {
  name: 'mcp',
  summary: 'Serve the diagnosis to AI assistants: a read-only Model Context Protocol server on stdio.',
  usage: 'eks-doctor mcp [--dir DIR] [--redact] [--timeout SECONDS]',
  description:
    'For Claude Code, Cursor, VS Code and other MCP clients (configuration: docs/mcp.md). Tools: diagnose, get_finding, list_findings, ' +
    'describe_catalogue, compare_reports, save_bundle; resources: the reports and their findings. Nothing is changed: the same read-only ' +
    'calls as `diagnose`, no shell, no fix applied. stdout carries the protocol only; messages go to stderr.',
  options: [
    {
      name: 'dir',
      type: 'string',
      multiple: true,
      valueName: 'DIR',
      description: "The directory whose files the tools may read (snapshots, reports, kubeconfigs) and create (bundles); repeatable. Default: the client's MCP roots",
    },
    { ...REDACT_OPTION, description: 'Redact every report, finding and bundle the server hands out (account IDs, IP addresses, host names, cluster IDs); off by default because fix commands need the real names' },
    { name: 'timeout', type: 'string', valueName: 'SECONDS', description: `Default bound on a live collection (default ${MCP_DEFAULT_TIMEOUT_SECONDS}, under the clients' 60-second request timeout)` },
    { name: 'call-timeout', type: 'string', valueName: 'SECONDS', description: `Bound on each HTTP attempt (default ${DEFAULT_CALL_TIMEOUT_MS / 1000})` },
    { name: 'debug', type: 'boolean', description: 'Print each AWS and Kubernetes request to stderr' },
  ],
  examples: ['eks-doctor mcp --dir .', 'claude mcp add eks-doctor -- eks-doctor mcp --dir .', 'eks-doctor mcp --dir ~/bundles --redact'],
  async run(args, io) {
    // The one --timeout parser, with this mode's default.
    const timing = timeoutSettings({ ...args, values: { timeout: String(MCP_DEFAULT_TIMEOUT_SECONDS), ...args.values } });
    const dirs = (listValue(args.values.dir) ?? []).map((d) => resolve(d));
    const diagnostics = await loadDiagnostics();
    // The SDK loads only for this command: every other path stays as light as it was.
    const { serveOverStdio } = await timedImport('mcp', () => import('../../mcp/stdio.js'));
    return serveOverStdio({
      dirs,
      redact: args.values.redact === true,
      ...timing,
      debug: args.values.debug === true,
      diagnostics,
      io: { ...io, stdout: io.stderr },
    });
  },
};
