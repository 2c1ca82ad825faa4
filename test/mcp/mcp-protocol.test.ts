/**
 * The wire, byte for byte: `eks-doctor mcp` started as a client would start it, fed raw lines.
 * stdout must hold protocol messages and nothing else (a stray log line breaks every client), even
 * with --debug writing a line per AWS and Kubernetes request; garbage gets JSON-RPC errors, and the
 * server goes on serving. Also: which modules the mcp path loads, and which the other paths do not.
 */
import { JSONRPCMessageSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMinimalSnapshot } from '../tui/minimal-snapshot.js';
import { isMcpSdkModule, isUiModule, loadedModules } from '../support/loaded-modules.js';
import { CLI_BUILT, isolatedEnv } from '../support/run-cli.js';

const root = new URL('../..', import.meta.url).pathname;
const BIN = join(root, 'bin', 'eks-doctor.js');
const work = mkdtempSync(join(tmpdir(), 'eks-doctor-mcp-wire-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Message {
  jsonrpc: '2.0';
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * Starts the server, writes each line once the answer to the previous request has arrived (so the
 * order of answers is known), closes stdin after the last one, and returns everything the process wrote.
 */
/** An answer to a request whose id could not be read carries no id (MCP 2025-11-25's schema). */
const NO_ID = -1;

function converse(lines: { send: string; awaitId?: number }[], args: string[] = [], extraNodeArgs: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; messages: Message[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraNodeArgs, BIN, 'mcp', '--dir', work, ...args], { env: { ...isolatedEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const messages: Message[] = [];
    let next = 0;
    let waitingFor: number | undefined;
    const sendNext = () => {
      while (next < lines.length && waitingFor === undefined) {
        const line = lines[next++]!;
        child.stdin.write(`${line.send}\n`);
        if (line.awaitId !== undefined) waitingFor = line.awaitId;
      }
      if (next >= lines.length && waitingFor === undefined) child.stdin.end();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
      for (const line of complete.slice(messages.length)) {
        let message: Message;
        try {
          message = JSON.parse(line) as Message;
        } catch {
          continue; // the assertions below report a line that is not JSON
        }
        messages.push(message);
        if (waitingFor !== undefined && (message.id ?? NO_ID) === waitingFor && message.method === undefined) {
          waitingFor = undefined;
          sendNext();
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, stderr, messages });
    });
    sendNext();
  });
}

const request = (id: number, method: string, params: Record<string, unknown> = {}) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const INITIALIZE = request(1, 'initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-test', version: '1' } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

describe.skipIf(!CLI_BUILT)('eks-doctor mcp on the wire', () => {
  it('writes only protocol messages to stdout, answers garbage with JSON-RPC errors and keeps serving', async () => {
    const { code, stdout, stderr, messages } = await converse(
      [
        { send: INITIALIZE, awaitId: 1 },
        { send: INITIALIZED },
        { send: 'this is not JSON', awaitId: NO_ID },
        { send: JSON.stringify({ jsonrpc: '2.0', id: 7 }), awaitId: 7 },
        { send: request(8, 'tools/call', { name: 'run_shell', arguments: { command: 'rm -rf /' } }), awaitId: 8 },
        { send: request(9, 'no/such/method'), awaitId: 9 },
        { send: request(10, 'tools/call', { name: 'diagnose', arguments: { demo: 'node-role-not-mapped' }, _meta: { progressToken: 'p1' } }), awaitId: 10 },
      ],
      ['--debug'],
    );
    expect(code).toBe(0);
    // Every line of stdout is a JSON-RPC message; nothing else, not even an empty line.
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(JSONRPCMessageSchema.safeParse(JSON.parse(line)).success, line).toBe(true);
    expect(messages).toHaveLength(lines.length);

    const answer = (id: number) => messages.find((m) => (m.id ?? NO_ID) === id && m.method === undefined);
    expect(answer(1)?.result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'eks-doctor' } });
    expect(answer(NO_ID)?.error?.code).toBe(-32700);
    expect(answer(7)?.error?.code).toBe(-32600);
    expect(answer(8)?.error).toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: run_shell') as unknown });
    expect(answer(9)?.error?.code).toBe(-32601);
    const diagnosis = answer(10)?.result as { structuredContent: { rootCauses: { id: string }[] } };
    expect(diagnosis.structuredContent.rootCauses.map((r) => r.id)).toEqual(['aws-auth/node-role-not-mapped']);
    const progress = messages.filter((m) => m.method === 'notifications/progress');
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((m) => m.params?.progressToken === 'p1')).toBe(true);

    // --debug's request lines and the server's own lines went to stderr.
    expect(stderr).toContain('eks-doctor mcp: serving on stdio');
    expect(stderr).toMatch(/eks:DescribeCluster|DescribeCluster/);
    expect(stderr).toContain('k8s GET /api/v1/nodes');
    expect(stderr).not.toContain('internal error');
  });

  it('a bad option is a plain error before any protocol starts', () => {
    const result = spawnSync(process.execPath, [BIN, 'mcp', '--timeout', 'soon'], { env: isolatedEnv(), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("--timeout must be a number of at least 1; got 'soon'");
  });
});

const hook = join(root, 'test', 'tui', 'record-imports.mjs');
const isUi = isUiModule;
const isSdk = isMcpSdkModule;

describe.skipIf(!CLI_BUILT)('the MCP SDK loads only for `mcp`, and `mcp` loads no UI', () => {
  it('mcp loads the SDK and neither ink nor React', async () => {
    const log = join(work, 'imports-mcp.log');
    const { code, messages } = await converse([{ send: INITIALIZE, awaitId: 1 }], [], ['--import', pathToFileURL(hook).href], { EKS_DOCTOR_IMPORT_LOG: log });
    expect(code).toBe(0);
    expect(messages[0]?.result).toHaveProperty('serverInfo');
    const urls = loadedModules(readFileSync(log, 'utf8').trim().split('\n'));
    expect(urls.some(isSdk)).toBe(true);
    expect(urls.filter(isUi)).toEqual([]);
  });

  it('diagnose --output json does not load the SDK', () => {
    const log = join(work, 'imports-json.log');
    const snapshot = writeMinimalSnapshot(work);
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, BIN, 'diagnose', '--snapshot', snapshot, '--output', 'json'], {
      env: { ...process.env, EKS_DOCTOR_IMPORT_LOG: log },
      encoding: 'utf8',
    });
    expect(JSON.parse(result.stdout)).toHaveProperty('findings');
    const urls = loadedModules(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    expect(urls.some((u) => u.endsWith('/src/render/json.ts'))).toBe(true);
    expect(urls.filter(isSdk)).toEqual([]);
  });
});
