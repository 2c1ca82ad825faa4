/**
 * The docs/mcp.md session driven by an independent MCP client: the Python SDK (`mcp` on PyPI),
 * which shares no code with the TypeScript SDK the server is built on. It starts the server as the
 * docs configure it (`bin/eks-doctor.js mcp --dir DIR`), diagnoses the demo cluster, fetches the
 * root cause and its fix, and compares two reports. `.ci/run` installs the package when it is
 * missing; where it cannot be installed, this test skips and says why.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenariosDir } from '../../mocks/bundled-scenarios.js';
import { CLI_BUILT } from '../support/run-cli.js';

const BIN = new URL('../../bin/eks-doctor.js', import.meta.url).pathname;
const SCRIPT = new URL('./python_session.py', import.meta.url).pathname;

function pythonMcpVersion(): string | undefined {
  const probe = spawnSync('python3', ['-c', "import importlib.metadata as m, mcp; print(m.version('mcp'))"], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const version = pythonMcpVersion();
if (!version) console.log('skipping the Python MCP client session: python3 cannot import mcp (pip install mcp; .ci/run tries it)');
else if (!CLI_BUILT) console.log('skipping the Python MCP client session: the CLI is not built (npm test builds it)');

interface Seen {
  protocolVersion: string;
  server: string;
  tools: string[];
  annotations: Record<string, { readOnlyHint: boolean; destructiveHint: boolean }>;
  progress: string[];
  diagnoseIsError: boolean;
  rootCauses: string[];
  fixCommands: string[];
  fixAlternatives: string[];
  resolved: string[];
  unknownTool: string;
}

describe.skipIf(!version || !CLI_BUILT)(`eks-doctor mcp driven by the Python MCP client ${version ?? '(absent)'}`, () => {
  it('initialises on 2025-11-25, diagnoses the demo, fetches the root cause and its fix, compares two reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-mcp-py-'));
    try {
      copyFileSync(join(scenariosDir, 'baseline.json'), join(dir, 'baseline.json'));
      const run = spawnSync('python3', [SCRIPT, process.execPath, BIN, dir], { encoding: 'utf8', timeout: 180_000 });
      expect(run.status, run.stderr).toBe(0);
      const seen = JSON.parse(run.stdout) as Seen;
      expect(seen.server).toBe('eks-doctor');
      expect(seen.protocolVersion).toBe('2025-11-25');
      expect(seen.tools).toEqual(['compare_reports', 'describe_catalogue', 'diagnose', 'get_finding', 'list_findings', 'save_bundle']);
      for (const name of seen.tools.filter((t) => t !== 'save_bundle')) expect(seen.annotations[name]).toEqual({ readOnlyHint: true, destructiveHint: false });
      expect(seen.progress).toContain('check aws-auth: fail');
      expect(seen.diagnoseIsError).toBe(false);
      expect(seen.rootCauses).toEqual(['aws-auth/node-role-not-mapped:arn:aws:iam::111122223333:role/eks/shop-prod-batch-node']);
      expect(seen.fixCommands.join('\n')).toContain('aws eks create-access-entry --cluster-name shop-prod');
      expect(seen.fixAlternatives).toEqual(['Map the role in aws-auth with the node username and groups.']);
      expect(seen.resolved).toContain(seen.rootCauses[0]);
      expect(seen.unknownTool).toContain('-32602');
      // Only its own start-up line on stderr: the Python client shows the server's stderr as is.
      expect(run.stderr).toContain('eks-doctor mcp: serving on stdio');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
