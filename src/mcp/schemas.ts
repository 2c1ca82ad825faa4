/**
 * The tools' input and output schemas. They are declared once, with zod (the SDK's schema
 * language), and the SDK turns them into the JSON Schemas `tools/list` shows and checks every
 * result against its output schema. Field names follow the report's (schema/report.schema.json).
 */
import { z } from 'zod';
import { FINDING_CHANGES } from '../engine/report-diff.js';
import { SEVERITIES } from '../engine/finding.js';

const severity = z.enum(SEVERITIES);
const checkIds = z.array(z.string()).describe('Check ids, as `describe_catalogue` lists them');

// ---------------------------------------------------------------------------------------- inputs

export const diagnoseInput = {
  cluster: z.string().min(1).optional().describe('EKS cluster name: diagnose it live, read-only'),
  region: z.string().optional().describe('AWS region of the cluster (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)'),
  profile: z.string().optional().describe('AWS shared config profile (default: AWS_PROFILE, then the default credential chain)'),
  kubeconfig: z.string().optional().describe('Reach the API server with this kubeconfig (a path inside the allowed directories) instead of the DescribeCluster endpoint and an EKS token'),
  context: z.string().optional().describe('kubeconfig context to use (implies a kubeconfig: this one, KUBECONFIG, or ~/.kube/config)'),
  snapshot: z.string().optional().describe('Diagnose a saved snapshot (support bundle) offline: a path inside the allowed directories'),
  demo: z.string().optional().describe('Diagnose a bundled example cluster, served by a local mock over the live path (no AWS account needed); `describe_catalogue` lists the scenarios'),
  only: checkIds.optional().describe('Run only these checks'),
  skip: checkIds.optional().describe('Do not run these checks'),
  timeoutSeconds: z.number().min(1).max(3600).optional().describe('Bound on the live collection (default: the server\'s --timeout, under the clients\' 60-second request timeout)'),
};

export const findingInput = {
  key: z.string().min(1).describe("A finding's key, as `diagnose` and `list_findings` return it"),
  reportId: z.string().optional().describe('Which report (default: the latest)'),
};

export const listFindingsInput = {
  reportId: z.string().optional().describe('Which report (default: the latest)'),
  severity: z.array(severity).optional().describe('Only these severities'),
  check: checkIds.optional().describe('Only findings of these checks'),
  resource: z.string().optional().describe('Only findings naming a resource whose id or name contains this text (an instance ID, a role ARN, a node name)'),
  text: z.string().optional().describe('Only findings whose id, title, root cause or evidence contains this text (case-insensitive)'),
  rootCausesOnly: z.boolean().optional().describe('Only root causes'),
  includeSuppressed: z.boolean().optional().describe('Also findings silenced by a suppression (default false)'),
};

export const catalogueInput = {
  check: z.string().optional().describe('Describe only this check'),
};

export const compareInput = {
  before: z.string().min(1).describe('The earlier report: a report id of this session (r1, r2, ...), or a file inside the allowed directories (a JSON report or a snapshot)'),
  after: z.string().optional().describe('The later report, the same way (default: the latest)'),
};

export const saveBundleInput = {
  path: z.string().min(1).describe('Where to write the snapshot: a new file inside the allowed directories (never overwritten)'),
  reportId: z.string().optional().describe("Whose snapshot (default: the latest diagnosis's)"),
  redact: z.boolean().optional().describe('Replace account IDs, IP addresses, host names and cluster IDs in the bundle (always on when the server runs with --redact)'),
};

// --------------------------------------------------------------------------------------- outputs

const resourceRef = z.object({ type: z.string(), id: z.string(), name: z.string().optional() });

const findingBrief = z.object({
  key: z.string(),
  id: z.string(),
  severity,
  title: z.string(),
});

const briefWithUri = findingBrief.extend({ uri: z.string().describe('The finding as an MCP resource') });

export const diagnoseOutput = {
  reportId: z.string().describe('Names this report in get_finding, list_findings, compare_reports and save_bundle'),
  reportUri: z.string(),
  target: z.string().describe('What was diagnosed'),
  cluster: z.object({ name: z.string(), region: z.string(), version: z.string().optional(), status: z.string().optional() }),
  generatedAt: z.string(),
  capturedAt: z.string().describe('When the data was read'),
  redacted: z.boolean(),
  summary: z.object({
    critical: z.number(),
    warning: z.number(),
    info: z.number(),
    suppressed: z.number(),
    rootCauses: z.number(),
    checks: z.object({
      total: z.number(),
      pass: z.number(),
      fail: z.number(),
      error: z.number(),
      skipped: z.number(),
      incomplete: z.number().describe('Checks that ran without some data they use: their findings stand, but they may have missed some'),
    }),
  }),
  rootCauses: z.array(
    briefWithUri.extend({
      rootCause: z.string(),
      explains: z.array(findingBrief).describe('The symptom findings this root cause explains'),
    }),
  ),
  otherFindings: z.array(briefWithUri).describe('Findings neither a root cause nor explained by one, most severe first'),
  checksNotRun: z.array(z.object({ check: z.string(), status: z.enum(['error', 'skipped']), reason: z.string() })).describe('Checks that were to run but could not (not those left out by only/skip)'),
  incompleteChecks: z.array(z.object({ check: z.string(), missing: z.array(z.string()) })).describe('Checks that ran without some data they use, and what they could not read'),
  collectionErrors: z.number().describe('API calls that failed while collecting'),
};

/** One way to fix a finding: its ordered steps, each complete on its own (src/engine/finding.ts FixWay). */
const fixWay = z.object({ summary: z.string(), commands: z.array(z.string()).describe('The steps, in order, ready to run with the real names; eks-doctor never runs them') });

export const findingOutput = {
  reportId: z.string(),
  uri: z.string(),
  key: z.string(),
  id: z.string().describe('The finding code, stable across versions'),
  check: z.string(),
  severity,
  title: z.string(),
  rootCause: z.string(),
  evidence: z.array(z.string()),
  resources: z.array(resourceRef),
  fix: fixWay
    .extend({
      alternatives: z.array(fixWay).optional().describe('Other ways to the same end, when there are: run the steps of one way, never of two'),
      docs: z.array(z.string()),
    })
    .describe('The recommended way first'),
  isRootCause: z.boolean(),
  symptom: z.string().optional(),
  explains: z.array(findingBrief),
  explainedBy: z.array(findingBrief),
  unexplained: z.object({ ruledOut: z.array(z.string()), couldNotCheck: z.array(z.object({ check: z.string(), reason: z.string() })) }).optional(),
  suppressed: z.object({ reason: z.string(), expires: z.string().optional() }).optional(),
  docs: z.array(z.string()).describe("The check's documentation"),
};

export const listFindingsOutput = {
  reportId: z.string(),
  total: z.number().describe('Findings in the report before filtering'),
  findings: z.array(
    briefWithUri.extend({
      check: z.string(),
      isRootCause: z.boolean(),
      explainedBy: z.array(z.string()),
      resources: z.array(resourceRef),
      suppressed: z.boolean(),
    }),
  ),
};

const needPart = z.object({
  part: z.string().describe("The snapshot part, as a snapshot file spells it"),
  label: z.string(),
  reads: z.array(z.string()).describe('The requests that fill it: AWS actions, or the Kubernetes request'),
  permissions: z.array(z.string()).describe('What the identity running eks-doctor must be allowed for it, including the parts it is read from (IAM actions, or Kubernetes verb and resource)'),
});

export const catalogueOutput = {
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      docs: z.array(z.string()),
      needs: z.array(needPart).describe('Without these the check cannot run'),
      uses: z.array(needPart).describe('Read when present; the check runs without them'),
      codes: z.array(
        z.object({
          id: z.string(),
          severity,
          title: z.string(),
          description: z.string(),
          symptom: z.string().optional(),
          explains: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
  demoScenarios: z.array(z.object({ name: z.string(), description: z.string() })).describe('Values for diagnose\'s `demo` argument'),
  policies: z.object({ aws: z.string(), kubernetes: z.string() }).describe('The complete read-only policies shipped with eks-doctor'),
};

const reportRef = z.object({ ref: z.string(), cluster: z.string(), generatedAt: z.string(), capturedAt: z.string() });
const severityChange = findingBrief.extend({ before: severity });

export const compareOutput = {
  before: reportRef,
  after: reportRef,
  counts: z.object(Object.fromEntries(FINDING_CHANGES.map((c) => [c, z.number()])) as Record<(typeof FINDING_CHANGES)[number], z.ZodNumber>),
  new: z.array(findingBrief),
  resolved: z.array(findingBrief),
  escalated: z.array(severityChange).describe('Active in both, more severe now (`severity` now, `before` then)'),
  deEscalated: z.array(severityChange),
  unchanged: z.array(findingBrief),
};

export const saveBundleOutput = {
  path: z.string().describe('The file written'),
  bytes: z.number(),
  redacted: z.boolean(),
  cluster: z.string(),
  capturedAt: z.string(),
  reportId: z.string(),
};
