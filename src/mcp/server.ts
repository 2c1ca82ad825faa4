/**
 * `eks-doctor mcp`: the diagnosis as a Model Context Protocol server (stdio) for AI assistants.
 *
 * Read-only by construction: its tools run the same collectors as `eks-doctor diagnose` (Describe,
 * List, Get and Kubernetes GET only), nothing runs a shell or applies a fix, and the only files it
 * touches are snapshots and reports it is asked to read and bundles it is asked to write, all
 * inside the allowed directories (FileArea), never overwriting one.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, type CallToolResult, type ServerNotification, type ServerRequest, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { listScenarios } from '../../mocks/bundled-scenarios.js';
import type { CommandIo } from '../cli/command.js';
import { isRootCause } from '../engine/correlate.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { findingHeadline, type Finding } from '../engine/finding.js';
import type { ProgressEvent } from '../engine/progress.js';
import { diffFindings } from '../engine/report-diff.js';
import { couldNotRun, isIncomplete } from '../engine/run-checks.js';
import type { Report } from '../engine/report.js';
import { parseSnapshot } from '../snapshot/load.js';
import { Redactor, redactSnapshot } from '../snapshot/redact.js';
import { SNAPSHOT_KIND } from '../snapshot/types.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';
import { describeCatalogue } from './catalogue.js';
import { runDiagnosis, type Diagnosis, type DiagnosisTarget } from './diagnosis.js';
import type { FileArea } from './file-area.js';
import {
  catalogueInput,
  catalogueOutput,
  compareInput,
  compareOutput,
  diagnoseInput,
  diagnoseOutput,
  findingInput,
  findingOutput,
  listFindingsInput,
  listFindingsOutput,
  saveBundleInput,
  saveBundleOutput,
} from './schemas.js';

export interface McpServerOptions {
  files: FileArea;
  /** --redact: every report, finding and bundle this server hands out is redacted. */
  redact: boolean;
  /** Default bound on a live collection, seconds (under the clients' 60-second request timeout). */
  timeoutSeconds: number;
  callTimeoutMs: number;
  debug: boolean;
  diagnostics: Diagnostic[];
  /** For the collectors: the environment (AWS_PROFILE, KUBECONFIG, proxies) and where --debug lines go (stderr). */
  io: CommandIo;
}

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** Live diagnoses read AWS and the cluster: the world outside the server, and a new answer each time. */
const READS_THE_CLUSTER: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true };

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Output<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

const REPORT_URI = 'eks-doctor://reports/';
const reportUri = (id: string) => `${REPORT_URI}${id}`;
const findingUri = (reportId: string, key: string) => `${REPORT_URI}${reportId}/findings/${encodeURIComponent(key)}`;

/** The reports of this session, by id (r1, r2, ...); `latest` names the last one. */
class ReportStore {
  private readonly diagnoses = new Map<string, Diagnosis>();
  private latestId: string | undefined;

  add(diagnosis: Diagnosis): string {
    const id = `r${this.diagnoses.size + 1}`;
    this.diagnoses.set(id, diagnosis);
    this.latestId = id;
    return id;
  }

  ids(): string[] {
    return [...this.diagnoses.keys()];
  }

  /** The report named, as [id, diagnosis]; a user error saying what exists when it does not. */
  get(reportId: string | undefined): [string, Diagnosis] {
    const id = reportId === undefined || reportId === 'latest' ? this.latestId : reportId;
    if (id === undefined) throw new UserError('there is no report yet', 'Call the diagnose tool first.');
    const diagnosis = this.diagnoses.get(id);
    if (!diagnosis) throw new UserError(`there is no report '${reportId}'`, `Reports of this session: ${this.ids().join(', ')}.`);
    return [id, diagnosis];
  }
}

export function createEksDoctorServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'eks-doctor', title: 'eks-doctor', version: TOOL_VERSION },
    {
      capabilities: { resources: { listChanged: true }, tools: {} },
      instructions:
        'eks-doctor diagnoses Amazon EKS clusters read-only: it finds why nodes do not join, pods get no IPs or load balancers stay pending, ' +
        'and gives the root causes first, each with evidence and the exact fix commands. Start with `diagnose` (a live cluster, a saved snapshot, ' +
        'or `demo` for a bundled example), then `get_finding` on a root cause key for its evidence and fix. The fixes are for the user to run: ' +
        'eks-doctor never changes anything.',
    },
  );
  const reports = new ReportStore();
  // One redactor for the whole session: the same account or address gets the same placeholder in
  // every report, so finding keys still match between two diagnoses and a comparison means something.
  const redactor = options.redact ? new Redactor() : undefined;
  const catalogue = new Map(options.diagnostics.map((d) => [d.id, d]));

  server.registerTool(
    'diagnose',
    {
      title: 'Diagnose an EKS cluster',
      description:
        'Collects (read-only) what the checks need from AWS and the Kubernetes API, runs every check and correlates symptoms with their root causes. ' +
        'Give exactly one of `cluster` (live), `snapshot` (a saved support bundle) or `demo` (a bundled example cluster served locally). ' +
        'Returns the summary and the root causes first with the symptoms each explains; use their keys with get_finding for evidence and fixes. ' +
        `A live collection is bounded by timeoutSeconds (default ${options.timeoutSeconds} s); progress is reported while it runs.`,
      inputSchema: diagnoseInput,
      outputSchema: diagnoseOutput,
      annotations: READS_THE_CLUSTER,
    },
    (args, extra) =>
      answer(async () => {
        const target = await diagnosisTarget(args, options.files);
        const diagnosis = await runDiagnosis(
          {
            target,
            selection: { ...(args.only ? { only: args.only } : {}), ...(args.skip ? { skip: args.skip } : {}) },
            timeoutSeconds: args.timeoutSeconds ?? options.timeoutSeconds,
            callTimeoutMs: options.callTimeoutMs,
            debug: options.debug,
            onEvent: progressReporter(extra),
            signal: extra.signal,
          },
          { diagnostics: options.diagnostics, io: options.io, ...(redactor ? { redactor } : {}) },
        );
        const id = reports.add(diagnosis);
        server.sendResourceListChanged();
        return diagnoseSummary(id, diagnosis, options.redact);
      }, (out) => [{ type: 'resource_link', uri: out.reportUri, name: `report ${out.reportId}`, mimeType: 'application/json', description: `The full report of ${out.target}` }]),
  );

  server.registerTool(
    'get_finding',
    {
      title: 'One finding: evidence, resources and fix',
      description:
        "Returns one finding of a report by its key: why it happens, the evidence, the AWS and Kubernetes resources involved, the fix (summary, ready-to-run commands with the real names, alternatives, documentation), and the findings it explains or is explained by.",
      inputSchema: findingInput,
      outputSchema: findingOutput,
      annotations: READ_ONLY,
    },
    (args) =>
      answer(async () => {
        const [reportId, { report }] = reports.get(args.reportId);
        return findingDetail(reportId, report, findByKey(report, args.key, reportId), catalogue);
      }),
  );

  server.registerTool(
    'list_findings',
    {
      title: 'List findings',
      description: 'Lists the findings of a report, root causes first, filtered by severity, check, resource and text.',
      inputSchema: listFindingsInput,
      outputSchema: listFindingsOutput,
      annotations: READ_ONLY,
    },
    (args) =>
      answer(async () => {
        const [reportId, { report }] = reports.get(args.reportId);
        const text = args.text?.toLowerCase();
        const resource = args.resource?.toLowerCase();
        const findings = report.findings.filter(
          (f) =>
            (args.includeSuppressed === true || !f.suppressed) &&
            (!args.severity || args.severity.includes(f.severity)) &&
            (!args.check || args.check.includes(f.check)) &&
            (!args.rootCausesOnly || isRootCause(f)) &&
            (!resource || f.resources.some((r) => r.id.toLowerCase().includes(resource) || (r.name?.toLowerCase().includes(resource) ?? false))) &&
            (!text || [f.id, f.title, f.rootCause, ...f.evidence].some((s) => s.toLowerCase().includes(text))),
        );
        return {
          reportId,
          total: report.findings.length,
          findings: findings.map((f) => ({
            ...brief(f),
            uri: findingUri(reportId, f.key),
            check: f.check,
            isRootCause: isRootCause(f),
            explainedBy: f.explainedBy,
            resources: f.resources,
            suppressed: f.suppressed !== undefined,
          })),
        } satisfies Output<typeof listFindingsOutput>;
      }),
  );

  server.registerTool(
    'describe_catalogue',
    {
      title: 'The checks and finding codes',
      description:
        'Describes what eks-doctor checks: every check, the finding codes it can report (severity, meaning, symptom or cause), the data it needs and uses with the requests and permissions behind it, and the demo scenarios.',
      inputSchema: catalogueInput,
      outputSchema: catalogueOutput,
      annotations: READ_ONLY,
    },
    (args) =>
      answer(async () => {
        const selected = args.check === undefined ? options.diagnostics : options.diagnostics.filter((d) => d.id === args.check);
        if (selected.length === 0) throw new UserError(`there is no check '${args.check}'`, `Checks: ${options.diagnostics.map((d) => d.id).join(', ')}.`);
        return describeCatalogue(selected, listScenarios().map((s) => ({ name: s.name, description: s.description })));
      }),
  );

  server.registerTool(
    'compare_reports',
    {
      title: 'What changed between two reports',
      description:
        'Compares two reports by finding key: new, resolved, escalated (more severe), de-escalated and unchanged findings. ' +
        'Each side is a report id of this session (r1, r2, or latest) or a file in the allowed directories: a JSON report (`eks-doctor diagnose --output json=FILE`) or a snapshot, which is diagnosed first.',
      inputSchema: compareInput,
      outputSchema: compareOutput,
      annotations: READ_ONLY,
    },
    (args) =>
      answer(async () => {
        const [before, after] = await Promise.all([reportFor(args.before), reportFor(args.after ?? 'latest')]);
        const diff = diffFindings(before.report.findings, after.report.findings);
        const change = (p: { before: Finding; after: Finding }) => ({ ...brief(p.after), before: p.before.severity });
        return {
          before: reportRef(before.ref, before.report),
          after: reportRef(after.ref, after.report),
          counts: { new: diff.new.length, resolved: diff.resolved.length, escalated: diff.escalated.length, 'de-escalated': diff.deEscalated.length, unchanged: diff.unchanged.length },
          new: diff.new.map(brief),
          resolved: diff.resolved.map(brief),
          escalated: diff.escalated.map(change),
          deEscalated: diff.deEscalated.map(change),
          unchanged: diff.unchanged.map((p) => brief(p.after)),
        } satisfies Output<typeof compareOutput>;
      }),
  );

  server.registerTool(
    'save_bundle',
    {
      title: 'Save a support bundle',
      description:
        'Writes the snapshot a diagnosis was built from (a support bundle: `eks-doctor diagnose --snapshot FILE` reads it back) to a new file in the allowed directories. ' +
        'Never overwrites a file. `redact` replaces account IDs, IP addresses, host names and cluster IDs.',
      inputSchema: saveBundleInput,
      outputSchema: saveBundleOutput,
      // It creates a file, so it is not read-only; it never replaces or deletes one.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      answer(async () => {
        const [reportId, { snapshot }] = reports.get(args.reportId);
        // A server started with --redact already holds redacted snapshots only.
        const redacted = options.redact || args.redact === true;
        const bundle = redacted && !options.redact ? redactSnapshot(snapshot) : snapshot;
        const written = await options.files.writeNewFile(args.path, `${JSON.stringify(bundle, null, 2)}\n`);
        return { ...written, redacted, cluster: bundle.cluster.name, capturedAt: bundle.capturedAt, reportId } satisfies Output<typeof saveBundleOutput>;
      }),
  );

  server.registerResource(
    'latest-report',
    `${REPORT_URI}latest`,
    { title: 'The latest report', description: 'The whole report of the latest diagnosis (JSON, schema/report.schema.json)', mimeType: 'application/json' },
    (uri) => {
      const [, { report }] = reports.get('latest');
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(report, null, 2) }] };
    },
  );

  server.registerResource(
    'report',
    new ResourceTemplate(`${REPORT_URI}{reportId}`, {
      list: () => ({
        resources: reports.ids().map((id) => {
          const [, d] = reports.get(id);
          return { uri: reportUri(id), name: `report ${id}`, title: `Report ${id}: ${d.target}`, mimeType: 'application/json' };
        }),
      }),
    }),
    { title: 'A report of this session', description: 'The whole report (JSON) of one diagnosis: r1, r2, ...', mimeType: 'application/json' },
    (uri, variables) => {
      const [, { report }] = reports.get(single(variables.reportId));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(report, null, 2) }] };
    },
  );

  server.registerResource(
    'finding',
    new ResourceTemplate(`${REPORT_URI}{reportId}/findings/{key}`, {
      // The latest report's findings: what an assistant cites while it works on the current diagnosis.
      list: () => {
        if (reports.ids().length === 0) return { resources: [] };
        const [id, { report }] = reports.get('latest');
        return {
          resources: report.findings.map((f) => ({ uri: findingUri(id, f.key), name: f.key, title: `${f.severity}: ${f.title}`, mimeType: 'application/json' })),
        };
      },
    }),
    { title: 'A finding', description: 'One finding of a report, with its evidence and fix (JSON)', mimeType: 'application/json' },
    (uri, variables) => {
      const [reportId, { report }] = reports.get(single(variables.reportId));
      const finding = findByKey(report, decodeURIComponent(single(variables.key)), reportId);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(findingDetail(reportId, report, finding, catalogue), null, 2) }] };
    },
  );

  answerUnknownToolsWithAProtocolError(server);

  /** A report of this session by id, or one read from a file (a JSON report, or a snapshot diagnosed now). */
  async function reportFor(ref: string): Promise<{ ref: string; report: Report }> {
    if (ref === 'latest' || /^r\d+$/.test(ref)) {
      const [id, { report }] = reports.get(ref);
      return { ref: id, report };
    }
    const path = await options.files.fileToRead(ref);
    const text = await readFile(path, 'utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new UserError(`${ref} is not JSON`, 'Give a JSON report (`eks-doctor diagnose --output json=FILE`) or a snapshot.');
    }
    if (isObject(data) && data.kind === SNAPSHOT_KIND) {
      const diagnosis = await runDiagnosis(
        { target: { kind: 'snapshot', path }, selection: {}, timeoutSeconds: options.timeoutSeconds, callTimeoutMs: options.callTimeoutMs, debug: options.debug },
        { diagnostics: options.diagnostics, io: options.io, ...(redactor ? { redactor } : {}) },
      );
      return { ref, report: diagnosis.report };
    }
    if (isObject(data) && isObject(data.tool) && data.tool.name === 'eks-doctor' && Array.isArray(data.findings)) {
      // A report written by someone else's run: redacted here too when the server redacts.
      if (!redactor) return { ref, report: data as unknown as Report };
      redactor.learnAccounts(data);
      return { ref, report: redactor.json(data as unknown as Report) };
    }
    // parseSnapshot names what is wrong with a file that was meant to be a snapshot.
    parseSnapshot(text, ref);
    throw new UserError(`${ref} is neither an eks-doctor report nor a snapshot`);
  }

  return server;
}

/**
 * MCP 2025-11-25 says an unknown tool is a protocol error (JSON-RPC -32602), while the SDK's
 * McpServer answers it with a tool result marked isError. The SDK offers no hook for it, so the
 * server's tools/call handler is wrapped where the SDK keeps it; if a later SDK moves it, the
 * server refuses to start rather than quietly answering the other way (and the tests say so).
 */
function answerUnknownToolsWithAProtocolError(server: McpServer): void {
  type Handler = (request: { params?: { name?: unknown } }, extra: Extra) => Promise<unknown>;
  const internals = server as unknown as { _registeredTools?: Record<string, unknown>; server: { _requestHandlers?: Map<string, Handler> } };
  const handlers = internals.server._requestHandlers;
  const callTool = handlers?.get('tools/call');
  const tools = internals._registeredTools;
  if (!handlers || !callTool || !tools) throw new Error('this MCP SDK keeps its tool handlers elsewhere: eks-doctor cannot answer unknown tools with a protocol error');
  handlers.set('tools/call', (request, extra) => {
    const name = request.params?.name;
    if (typeof name !== 'string' || !Object.hasOwn(tools, name)) {
      return Promise.reject(new McpError(ErrorCode.InvalidParams, `Unknown tool: ${String(name)}. Tools: ${Object.keys(tools).join(', ')}`));
    }
    return callTool(request, extra);
  });
}

/** The diagnose tool's arguments as a target; files are checked against the allowed directories. */
async function diagnosisTarget(args: Output<typeof diagnoseInput>, files: FileArea): Promise<DiagnosisTarget> {
  const given = (['cluster', 'snapshot', 'demo'] as const).filter((k) => args[k] !== undefined);
  if (given.length !== 1) {
    throw new UserError(
      given.length === 0 ? 'diagnose needs something to look at' : `give only one of ${given.join(', ')}`,
      'Give `cluster` (a live EKS cluster), `snapshot` (a saved support bundle) or `demo` (a bundled example: describe_catalogue lists them).',
    );
  }
  const liveOnly = (['region', 'profile', 'kubeconfig', 'context'] as const).filter((k) => args[k] !== undefined);
  if (args.cluster === undefined && liveOnly.length > 0) {
    throw new UserError(`${liveOnly.join(', ')} only apply to a live cluster`, 'Add `cluster`, or leave them out.');
  }
  if (args.snapshot !== undefined && args.timeoutSeconds !== undefined) {
    throw new UserError('timeoutSeconds bounds a collection; a snapshot is read, not collected', 'Leave timeoutSeconds out.');
  }
  if (args.snapshot !== undefined) return { kind: 'snapshot', path: await files.fileToRead(args.snapshot) };
  if (args.demo !== undefined) {
    const names = listScenarios().map((s) => s.name);
    if (!names.includes(args.demo)) throw new UserError(`there is no demo scenario '${args.demo}'`, `Scenarios: ${names.join(', ')}.`);
    return { kind: 'demo', scenario: args.demo };
  }
  return {
    kind: 'live',
    clusterName: args.cluster!,
    ...(args.region ? { region: args.region } : {}),
    ...(args.profile ? { profile: args.profile } : {}),
    ...(args.kubeconfig ? { kubeconfig: await files.fileToRead(args.kubeconfig) } : {}),
    ...(args.context ? { context: args.context } : {}),
  };
}

/**
 * Progress notifications when the client asked for them (a progressToken): one step per collection
 * request finished and per check run. The total is unknown until the end, so none is sent.
 */
function progressReporter(extra: Extra): ((event: ProgressEvent) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let progress = 0;
  return (event) => {
    let message: string | undefined;
    if (event.type === 'collect-end') message = `read ${event.step}${event.ok ? '' : ` (failed: ${event.error ?? 'error'})`}`;
    else if (event.type === 'check-end') message = `check ${event.result.id}: ${event.result.status}`;
    if (message === undefined) return;
    progress += 1;
    // A notification that cannot be sent (the client went away) must not fail the diagnosis.
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => {});
  };
}

/**
 * A tool's answer: the structured result (checked by the SDK against the output schema) and the
 * same as JSON text for clients that read only text. A user error (bad argument, unknown key, a
 * path outside the allowed directories) is a tool error the assistant can read and act on.
 */
async function answer<T extends Record<string, unknown>>(work: () => Promise<T>, links?: (out: T) => CallToolResult['content']): Promise<CallToolResult> {
  try {
    const out = await work();
    return { structuredContent: out, content: [{ type: 'text', text: JSON.stringify(out, null, 2) }, ...(links?.(out) ?? [])] };
  } catch (error) {
    if (error instanceof UserError) {
      return { isError: true, content: [{ type: 'text', text: `${error.message}${error.hint ? `\n${error.hint}` : ''}` }] };
    }
    throw error;
  }
}

function brief(f: Finding): { key: string; id: string; severity: Finding['severity']; title: string } {
  return { key: f.key, id: f.id, severity: f.severity, title: f.title };
}

function findByKey(report: Report, key: string, reportId: string): Finding {
  const finding = report.findings.find((f) => f.key === key);
  if (finding) return finding;
  // A key cut short or an id given instead of a key: name the findings it could have meant.
  const near = report.findings.filter((f) => f.key.includes(key) || key.includes(f.id)).map((f) => f.key);
  throw new UserError(
    `report ${reportId} has no finding with key '${key}'`,
    near.length > 0 ? `Did you mean: ${near.slice(0, 5).join(', ')}?` : 'list_findings gives the keys of the report.',
  );
}

function diagnoseSummary(reportId: string, diagnosis: Diagnosis, redacted: boolean): Output<typeof diagnoseOutput> {
  const { report } = diagnosis;
  const byKey = new Map(report.findings.map((f) => [f.key, f]));
  const active = report.findings.filter((f) => !f.suppressed);
  return {
    reportId,
    reportUri: reportUri(reportId),
    target: diagnosis.target,
    cluster: {
      name: report.cluster.name,
      region: report.cluster.region,
      ...(report.cluster.version ? { version: report.cluster.version } : {}),
      ...(report.cluster.status ? { status: report.cluster.status } : {}),
    },
    generatedAt: report.generatedAt,
    capturedAt: report.snapshot.capturedAt,
    redacted,
    summary: report.summary,
    rootCauses: active.filter(isRootCause).map((f) => ({
      ...brief(f),
      uri: findingUri(reportId, f.key),
      rootCause: f.rootCause,
      explains: f.explains.flatMap((k) => {
        const symptom = byKey.get(k);
        return symptom ? [brief(symptom)] : [];
      }),
    })),
    otherFindings: active.filter((f) => !isRootCause(f) && f.explainedBy.length === 0).map((f) => ({ ...brief(f), uri: findingUri(reportId, f.key) })),
    checksNotRun: report.checks.flatMap((c) => (couldNotRun(c) && (c.status === 'error' || c.status === 'skipped') ? [{ check: c.id, status: c.status, reason: c.reason ?? '' }] : [])),
    incompleteChecks: report.checks.filter(isIncomplete).map((c) => ({ check: c.id, missing: (c.incomplete ?? []).map((i) => i.reason) })),
    collectionErrors: report.collectionErrors.length,
  };
}

function findingDetail(reportId: string, report: Report, f: Finding, catalogue: Map<string, Diagnostic>): Output<typeof findingOutput> {
  const related = (keys: string[]) => keys.flatMap((k) => {
    const other = report.findings.find((x) => x.key === k);
    return other ? [brief(other)] : [];
  });
  return {
    reportId,
    uri: findingUri(reportId, f.key),
    ...findingHeadline(f),
    evidence: f.evidence,
    resources: f.resources,
    fix: { ...f.fix },
    isRootCause: isRootCause(f),
    ...(f.symptom ? { symptom: f.symptom } : {}),
    explains: related(f.explains),
    explainedBy: related(f.explainedBy),
    ...(f.unexplained ? { unexplained: f.unexplained } : {}),
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    docs: catalogue.get(f.check)?.docs ?? [],
  };
}

function reportRef(ref: string, report: Report): Output<typeof compareOutput>['before'] {
  return { ref, cluster: report.cluster.name, generatedAt: report.generatedAt, capturedAt: report.snapshot.capturedAt };
}

function single(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) throw new UserError('the resource URI names no report');
  return v;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
