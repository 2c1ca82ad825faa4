/**
 * `eks-doctor mcp` end to end: the built CLI started as a child process and driven over stdio by
 * the SDK's own client, as Claude Code or Cursor would, against the bundled mock (the `demo`
 * argument serves a scenario through the live path: SDK clients, TLS, EKS token). Every tool
 * result is checked against the output schema the server declares in tools/list, with ajv,
 * independently of the SDK's own check.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, ListRootsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, scenariosDir } from '../../mocks/bundled-scenarios.js';
import { diffFindings } from '../../src/engine/report-diff.js';
import type { Report } from '../../src/engine/report.js';
import { loadDiagnostics } from '../../src/engine/registry.js';
import { CLI_BUILT, isolatedEnv } from '../support/run-cli.js';

const BIN = new URL('../../bin/eks-doctor.js', import.meta.url).pathname;
const ROOT_CAUSE_ID = 'aws-auth/node-role-not-mapped';

interface Session {
  client: Client;
  dir: string;
  stderr: () => string;
  tools: Tool[];
  /** Calls a tool; a result that is not an error must match the tool's declared output schema. */
  call(name: string, args: Record<string, unknown>, options?: { onprogress?: (p: { progress: number; message?: string }) => void; signal?: AbortSignal }): Promise<CallToolResult>;
}

/**
 * `dir` is given as --dir, unless `roots` is: the server then starts without --dir and the client
 * offers these directories as its MCP roots.
 */
async function startSession(serverArgs: string[] = [], options: { roots?: string[] } = {}): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-mcp-'));
  const dirArgs = options.roots ? [] : ['--dir', dir];
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', ...dirArgs, ...serverArgs], env: isolatedEnv(), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'eks-doctor-test', version: '1.0.0' }, options.roots ? { capabilities: { roots: {} } } : {});
  const roots = options.roots;
  if (roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: basename(r) })) }));
  await client.connect(transport);
  const { tools } = await client.listTools();
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map<string, ValidateFunction>(tools.map((t) => [t.name, ajv.compile(t.outputSchema ?? {})]));
  return {
    client,
    dir,
    stderr: () => stderr,
    tools,
    async call(name, args, options = {}) {
      const result = (await client.callTool({ name, arguments: args }, undefined, {
        ...(options.onprogress ? { onprogress: options.onprogress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        // The machine is shared: a demo diagnosis may take longer than a laptop's few seconds.
        timeout: 120_000,
      })) as CallToolResult;
      if (!result.isError) {
        const validate = validators.get(name)!;
        expect(validate(result.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        // The same answer as text, for clients that read only text.
        expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
      }
      return result;
    },
  };
}

const structured = <T>(result: CallToolResult): T => {
  expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
  return result.structuredContent as T;
};
const errorText = (result: CallToolResult): string => {
  expect(result.isError).toBe(true);
  return (result.content[0] as { text: string }).text;
};

interface DiagnoseOut {
  reportId: string;
  reportUri: string;
  target: string;
  summary: Report['summary'];
  rootCauses: { key: string; id: string; severity: string; uri: string; explains: { key: string; id: string }[] }[];
  otherFindings: { key: string }[];
  checksNotRun: { check: string }[];
}

describe.skipIf(!CLI_BUILT)('eks-doctor mcp, driven by the MCP SDK client over stdio', () => {
  let session: Session;
  let demo: DiagnoseOut;
  const progress: { progress: number; message?: string }[] = [];

  beforeAll(async () => {
    session = await startSession();
    demo = structured<DiagnoseOut>(await session.call('diagnose', { demo: 'node-role-not-mapped' }, { onprogress: (p) => progress.push(p) }));
  });
  afterAll(async () => {
    await session?.client.close();
    if (session) rmSync(session.dir, { recursive: true, force: true });
  });

  it('initialises as eks-doctor and offers tools and resources', () => {
    expect(session.client.getServerVersion()?.name).toBe('eks-doctor');
    expect(session.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: { listChanged: true } });
    expect(session.client.getInstructions()).toContain('never changes anything');
  });

  it('lists its tools, each with input and output schemas; every diagnosis tool is read-only and not destructive', () => {
    const names = session.tools.map((t) => t.name).sort();
    expect(names).toEqual(['compare_reports', 'describe_catalogue', 'diagnose', 'get_finding', 'list_findings', 'save_bundle']);
    for (const tool of session.tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      if (tool.name === 'save_bundle') {
        // It creates a file: not read-only, but it never overwrites or deletes.
        expect(tool.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
      } else {
        expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      }
    }
  });

  it('diagnoses the demo cluster live, root cause first, with the symptom it explains', () => {
    expect(demo.target).toContain('demo scenario node-role-not-mapped');
    expect(demo.rootCauses.map((r) => r.id)).toEqual([ROOT_CAUSE_ID]);
    expect(demo.rootCauses[0]!.severity).toBe('critical');
    expect(demo.rootCauses[0]!.explains.map((s) => s.id)).toContain('node-registration/instance-not-joined');
    expect(demo.summary.checks.error).toBe(0);
    expect(demo.checksNotRun).toEqual([]);
  });

  it('sends progress notifications while it collects and checks, in increasing order', () => {
    expect(progress.some((p) => p.message?.startsWith('read eks:DescribeCluster'))).toBe(true);
    expect(progress.some((p) => p.message === 'check aws-auth: fail')).toBe(true);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
  });

  it('fetches the root cause by key: evidence, resources and the fix with the real names', async () => {
    const key = demo.rootCauses[0]!.key;
    const finding = structured<{
      key: string;
      evidence: string[];
      resources: { id: string }[];
      fix: { commands: string[]; docs: string[]; alternatives?: { summary: string; commands: string[] }[] };
      explains: { id: string }[];
      isRootCause: boolean;
    }>(
      await session.call('get_finding', { key }),
    );
    expect(finding.key).toBe(key);
    expect(finding.isRootCause).toBe(true);
    expect(finding.evidence.length).toBeGreaterThan(0);
    expect(finding.resources.map((r) => r.id)).toContain('arn:aws:iam::111122223333:role/eks/shop-prod-batch-node');
    expect(finding.fix.commands.join('\n')).toContain('aws eks create-access-entry --cluster-name shop-prod');
    expect(finding.fix.docs.length).toBeGreaterThan(0);
    // The other way to the same end, kept apart: aws-auth instead of an access entry.
    expect(finding.fix.alternatives?.map((a) => a.commands.join('\n')).join('\n')).toContain('eksctl create iamidentitymapping --cluster shop-prod');
    expect(finding.fix.commands.join('\n')).not.toContain('eksctl create iamidentitymapping');
    expect(finding.explains.map((f) => f.id)).toContain('node-registration/instance-not-joined');
  });

  it('an unknown key is a tool error that names the keys it could have meant', async () => {
    const text = errorText(await session.call('get_finding', { key: ROOT_CAUSE_ID }));
    expect(text).toContain(`has no finding with key '${ROOT_CAUSE_ID}'`);
    expect(text).toContain(demo.rootCauses[0]!.key);
  });

  it('lists findings with filters', async () => {
    type Listed = { total: number; findings: { key: string; severity: string; check: string; isRootCause: boolean }[] };
    const all = structured<Listed>(await session.call('list_findings', {}));
    expect(all.findings.length).toBe(all.total);
    const critical = structured<Listed>(await session.call('list_findings', { severity: ['critical'] }));
    expect(critical.findings.length).toBe(demo.summary.critical);
    expect(critical.findings.every((f) => f.severity === 'critical')).toBe(true);
    const byResource = structured<Listed>(await session.call('list_findings', { resource: 'shop-prod-batch-node' }));
    expect(byResource.findings.map((f) => f.check)).toContain('aws-auth');
    expect(byResource.findings.length).toBeLessThan(all.total);
    const byText = structured<Listed>(await session.call('list_findings', { text: 'NEVER REGISTERED' }));
    expect(byText.findings.map((f) => f.check)).toEqual(['node-registration']);
    const byCheck = structured<Listed>(await session.call('list_findings', { check: ['subnets'] }));
    expect(byCheck.findings.every((f) => f.check === 'subnets')).toBe(true);
    expect(byCheck.findings.length).toBeGreaterThan(0);
    const roots = structured<Listed>(await session.call('list_findings', { rootCausesOnly: true }));
    expect(roots.findings.map((f) => f.key)).toEqual(demo.rootCauses.map((r) => r.key));
  });

  it('describes the catalogue: every check, its codes, and the data and permissions it needs', async () => {
    type Catalogue = {
      checks: { id: string; codes: { id: string }[]; needs: { part: string; reads: string[]; permissions: string[] }[]; uses: { part: string; reads: string[]; permissions: string[] }[] }[];
      demoScenarios: { name: string }[];
    };
    const catalogue = structured<Catalogue>(await session.call('describe_catalogue', {}));
    const diagnostics = await loadDiagnostics();
    expect(catalogue.checks.map((c) => c.id)).toEqual(diagnostics.map((d) => d.id));
    expect(catalogue.checks.flatMap((c) => c.codes.map((x) => x.id))).toEqual(diagnostics.flatMap((d) => Object.keys(d.codes).map((code) => `${d.id}/${code}`)));
    const awsAuth = catalogue.checks.find((c) => c.id === 'aws-auth')!;
    expect(awsAuth.uses.find((n) => n.part === 'kubernetes.awsAuth')).toMatchObject({
      reads: ['GET /api/v1/namespaces/kube-system/configmaps/aws-auth'],
      // Its own permission, and the reachability probe every Kubernetes read waits for.
      permissions: ['get configmaps -n kube-system', 'get /version'],
    });
    // A part read from another lists that one's permissions too: add-on versions need the add-ons listed.
    const addonVersions = catalogue.checks.flatMap((c) => [...c.needs, ...c.uses]).find((n) => n.part === 'aws.addonVersions');
    expect(addonVersions?.reads).toEqual(['eks:DescribeAddonVersions']);
    expect(addonVersions?.permissions).toEqual(expect.arrayContaining(['eks:DescribeAddonVersions', 'eks:ListAddons', 'eks:DescribeAddon', 'eks:DescribeCluster']));
    expect(awsAuth.needs.find((n) => n.part === 'aws.cluster')?.permissions).toEqual(['eks:DescribeCluster']);
    expect(catalogue.demoScenarios.map((s) => s.name)).toContain('node-role-not-mapped');
    const one = structured<Catalogue>(await session.call('describe_catalogue', { check: 'subnets' }));
    expect(one.checks.map((c) => c.id)).toEqual(['subnets']);
    expect(errorText(await session.call('describe_catalogue', { check: 'no-such-check' }))).toContain("there is no check 'no-such-check'");
  });

  it('serves the latest report and each finding as resources', async () => {
    const { resources } = await session.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('eks-doctor://reports/latest');
    expect(uris).toContain(demo.reportUri);
    expect(uris).toContain(demo.rootCauses[0]!.uri);
    const latest = await session.client.readResource({ uri: 'eks-doctor://reports/latest' });
    const report = JSON.parse((latest.contents[0] as { text: string }).text) as Report;
    expect(report.findings[0]!.key).toBe(demo.rootCauses[0]!.key);
    const finding = await session.client.readResource({ uri: demo.rootCauses[0]!.uri });
    expect(JSON.parse((finding.contents[0] as { text: string }).text)).toMatchObject({ key: demo.rootCauses[0]!.key, isRootCause: true });
  });

  it('only/skip narrow the run; checks left out are not reported as checks that could not run', async () => {
    const narrowed = structured<DiagnoseOut>(await session.call('diagnose', { demo: 'node-role-not-mapped', only: ['aws-auth', 'node-registration'] }));
    expect(narrowed.rootCauses.map((r) => r.key)).toEqual(demo.rootCauses.map((r) => r.key));
    expect(narrowed.summary.checks.skipped).toBe(narrowed.summary.checks.total - 2);
    expect(narrowed.checksNotRun).toEqual([]);
  });

  it('compares two reports with the engine diff: the fixed cluster resolves the root cause and its symptom', async () => {
    copyFileSync(join(scenariosDir, 'baseline.json'), join(session.dir, 'baseline.json'));
    const healthy = structured<DiagnoseOut>(await session.call('diagnose', { snapshot: 'baseline.json' }));
    expect(healthy.reportId).not.toBe(demo.reportId);
    type Compared = { before: { ref: string }; after: { ref: string }; counts: Record<string, number>; new: { key: string }[]; resolved: { key: string }[]; unchanged: { key: string }[] };
    const compared = structured<Compared>(await session.call('compare_reports', { before: demo.reportId, after: healthy.reportId }));
    expect(compared.before.ref).toBe(demo.reportId);
    expect(compared.after.ref).toBe(healthy.reportId);
    const resolved = compared.resolved.map((f) => f.key);
    expect(resolved).toContain(demo.rootCauses[0]!.key);
    expect(resolved).toContain(demo.rootCauses[0]!.explains[0]!.key);
    // The same answer as the engine's diff over the two full reports.
    const read = async (uri: string) => JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text) as Report;
    const diff = diffFindings((await read(demo.reportUri)).findings, (await read(healthy.reportUri)).findings);
    expect(compared.counts).toEqual({ new: diff.new.length, resolved: diff.resolved.length, escalated: diff.escalated.length, 'de-escalated': diff.deEscalated.length, unchanged: diff.unchanged.length });
    expect(compared.unchanged.map((f) => f.key).sort()).toEqual(diff.unchanged.map((p) => p.after.key).sort());
    // A JSON report file works as a side too; `after` defaults to the latest report.
    writeFileSync(join(session.dir, 'before.json'), JSON.stringify(await read(demo.reportUri)));
    const fromFile = structured<Compared>(await session.call('compare_reports', { before: 'before.json' }));
    expect(fromFile.after.ref).toBe(healthy.reportId);
    expect(fromFile.resolved.map((f) => f.key).sort()).toEqual([...resolved].sort());
  });

  it('saves a support bundle that diagnoses the same, and never overwrites a file', async () => {
    type Saved = { path: string; bytes: number; redacted: boolean; reportId: string };
    const saved = structured<Saved>(await session.call('save_bundle', { path: 'bundle.json', reportId: demo.reportId }));
    expect(saved.path).toBe(join(realpathSync(session.dir), 'bundle.json'));
    expect(saved.redacted).toBe(false);
    expect(readFileSync(saved.path, 'utf8').length).toBe(saved.bytes);
    const again = errorText(await session.call('save_bundle', { path: 'bundle.json' }));
    expect(again).toContain('already exists; eks-doctor never overwrites a file');
    const reread = structured<DiagnoseOut>(await session.call('diagnose', { snapshot: 'bundle.json' }));
    expect(reread.rootCauses.map((r) => r.key)).toEqual(demo.rootCauses.map((r) => r.key));

    const redacted = structured<Saved>(await session.call('save_bundle', { path: 'bundle-redacted.json', reportId: demo.reportId, redact: true }));
    expect(redacted.redacted).toBe(true);
    const text = readFileSync(redacted.path, 'utf8');
    expect(text).not.toContain('111122223333');
    expect(JSON.parse(text).meta.redacted).toBe(true);
  });

  it('reads and writes only inside its directory, links resolved', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'eks-doctor-outside-'));
    try {
      copyFileSync(join(scenariosDir, 'baseline.json'), join(outside, 'baseline.json'));
      expect(errorText(await session.call('diagnose', { snapshot: join(outside, 'baseline.json') }))).toContain('is outside the directories this server may use');
      expect(errorText(await session.call('diagnose', { snapshot: `../${basename(outside)}/baseline.json` }))).toContain('is outside the directories this server may use');
      symlinkSync(join(outside, 'baseline.json'), join(session.dir, 'link.json'));
      expect(errorText(await session.call('diagnose', { snapshot: 'link.json' }))).toContain('is outside the directories this server may use');
      expect(errorText(await session.call('save_bundle', { path: join(outside, 'stolen.json') }))).toContain('is outside the directories this server may use');
      expect(existsSync(join(outside, 'stolen.json'))).toBe(false);
      mkdirSync(join(session.dir, 'sub'));
      symlinkSync(outside, join(session.dir, 'sub', 'out'));
      expect(errorText(await session.call('save_bundle', { path: 'sub/out/stolen.json' }))).toContain('is outside the directories this server may use');
      expect(existsSync(join(outside, 'stolen.json'))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('bad arguments are tool errors the assistant can act on', async () => {
    expect(errorText(await session.call('diagnose', {}))).toContain('diagnose needs something to look at');
    expect(errorText(await session.call('diagnose', { demo: 'baseline', cluster: 'x' }))).toContain('give only one of cluster, demo');
    expect(errorText(await session.call('diagnose', { demo: 'no-such-scenario' }))).toContain("there is no demo scenario 'no-such-scenario'");
    expect(errorText(await session.call('diagnose', { demo: 'baseline', only: ['no-such-check'] }))).toContain("unknown check 'no-such-check'");
    expect(errorText(await session.call('get_finding', { key: 'x', reportId: 'r99' }))).toContain("there is no report 'r99'");
  });

  it('an unknown tool is a protocol error (-32602), and the server carries on', async () => {
    const failure = await session.client.callTool({ name: 'apply_fix', arguments: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).code).toBe(ErrorCode.InvalidParams);
    expect((failure as McpError).message).toContain('Unknown tool: apply_fix');
    expect(structured<{ checks: unknown[] }>(await session.call('describe_catalogue', { check: 'aws-auth' })).checks).toHaveLength(1);
  });

  it('logs to stderr', () => {
    expect(session.stderr()).toContain('eks-doctor mcp: serving on stdio (MCP 2025-11-25)');
  });
});

describe.skipIf(!CLI_BUILT)('eks-doctor mcp --redact', () => {
  it('hands out redacted reports, findings and bundles, with the same placeholders in every report', async () => {
    const session = await startSession(['--redact']);
    try {
      const first = structured<DiagnoseOut>(await session.call('diagnose', { demo: 'node-role-not-mapped' }));
      expect(first.rootCauses[0]!.key).not.toContain('111122223333');
      const finding = structured<{ fix: { commands: string[] } }>(await session.call('get_finding', { key: first.rootCauses[0]!.key }));
      expect(finding.fix.commands.join('\n')).not.toContain('111122223333');
      writeFileSync(join(session.dir, 'scenario.json'), JSON.stringify(loadScenario('node-role-not-mapped')));
      const second = structured<DiagnoseOut>(await session.call('diagnose', { snapshot: 'scenario.json' }));
      // One redactor per session: the same role gets the same placeholder, so the keys match.
      expect(second.rootCauses.map((r) => r.key)).toEqual(first.rootCauses.map((r) => r.key));
      const saved = structured<{ path: string; redacted: boolean }>(await session.call('save_bundle', { path: 'b.json' }));
      expect(saved.redacted).toBe(true);
      expect(readFileSync(saved.path, 'utf8')).not.toContain('111122223333');
    } finally {
      await session.client.close();
      rmSync(session.dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!CLI_BUILT)('eks-doctor mcp cancellation', () => {
  it('a cancelled diagnosis stops, leaves no report, and the server answers the next request', async () => {
    const session = await startSession();
    try {
      const controller = new AbortController();
      const call = session.call('diagnose', { demo: 'node-role-not-mapped' }, { signal: controller.signal, onprogress: () => controller.abort('the user pressed Esc') });
      await expect(call).rejects.toThrow();
      expect(controller.signal.aborted).toBe(true);
      // The client sent notifications/cancelled; the server dropped the run instead of storing it.
      expect(errorText(await session.call('list_findings', {}))).toContain('there is no report yet');
      const next = structured<DiagnoseOut>(await session.call('diagnose', { demo: 'node-role-not-mapped' }));
      expect(next.reportId).toBe('r1');
    } finally {
      await session.client.close();
      rmSync(session.dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!CLI_BUILT)('eks-doctor mcp without --dir', () => {
  it("reads and writes under the client's MCP roots, and nowhere else", async () => {
    const root = mkdtempSync(join(tmpdir(), 'eks-doctor-mcp-root-'));
    const session = await startSession([], { roots: [root] });
    try {
      copyFileSync(join(scenariosDir, 'node-role-not-mapped.json'), join(root, 'bundle.json'));
      const diagnosis = structured<DiagnoseOut>(await session.call('diagnose', { snapshot: 'bundle.json' }));
      expect(diagnosis.rootCauses.map((r) => r.id)).toEqual([ROOT_CAUSE_ID]);
      const saved = structured<{ path: string }>(await session.call('save_bundle', { path: 'copy.json' }));
      expect(saved.path).toBe(join(realpathSync(root), 'copy.json'));
      // The server's own temporary directory is not a root here.
      expect(errorText(await session.call('save_bundle', { path: join(session.dir, 'x.json') }))).toContain('is outside the directories this server may use');
    } finally {
      await session.client.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(session.dir, { recursive: true, force: true });
    }
  });

  it('with a client that offers no roots, a file is refused with what to do, and the demo still works', async () => {
    // Neither --dir nor roots: started by hand, as startSession always gives one of them.
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: isolatedEnv(), stderr: 'pipe' });
    const client = new Client({ name: 'no-roots', version: '1.0.0' });
    await client.connect(transport);
    try {
      const refused = (await client.callTool({ name: 'diagnose', arguments: { snapshot: 'bundle.json' } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect((refused.content[0] as { text: string }).text).toContain('started without --dir and the client offers no MCP roots');
      const demo = (await client.callTool({ name: 'diagnose', arguments: { demo: 'baseline' } }, undefined, { timeout: 120_000 })) as CallToolResult;
      expect(demo.isError ?? false).toBe(false);
    } finally {
      await client.close();
    }
  });
});
