/**
 * Shared by the report-contract tests: the shipped report schema and the vendored SARIF schema as
 * validators, and snapshot files with known findings written to a temporary directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Snapshot } from '../../src/snapshot/types.js';
import { FARGATE_ROLE_ARN, KARPENTER_ROLE_ARN } from '../../mocks/scenario-builder/baseline.js';
import { mutate } from './diagnostic-tester.js';
import { scenarioFileText } from '../../mocks/scenario-builder/generate.js';

// Both are CommonJS: imported from ESM, the default import is module.exports, and each keeps its
// plugin or class on `.default` too.
const addFormats = ajvFormats.default;
const AjvDraft04 = ajvDraft04.default;

const root = join(import.meta.dirname, '..', '..');

export const reportSchema = JSON.parse(readFileSync(join(root, 'schema', 'report.schema.json'), 'utf8')) as Record<string, unknown>;

export function reportValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(reportSchema);
}

/**
 * SARIF 2.1.0 schema as OASIS publishes it (draft-04): test/fixtures/sarif-schema-2.1.0.json, from
 * github.com/oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json (errata01, commit a560296).
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

export const SNAPSHOT_VARIANTS = {
  /** Two critical findings of one id (aws-auth/node-role-not-mapped) on the Karpenter and Fargate roles. */
  critical: mutate((s) => {
    s.aws.cluster!.accessConfig = { authenticationMode: 'CONFIG_MAP' };
    s.aws.accessEntries = [];
  }),
  /** One warning finding only (aws-auth/duplicate-mapping). */
  warning: mutate((s) => {
    s.kubernetes.awsAuth!.data!.mapRoles += '- rolearn: arn:aws:iam::111122223333:role/shop-prod-batch-node\n  username: batch\n  groups:\n    - system:masters\n';
  }),
  /** aws-auth could not read what it needs: the check reports error. */
  error: mutate((s) => {
    delete s.aws.accessEntries;
    s.errors.push({ part: 'aws.accessEntries', call: 'eks:ListAccessEntries', kind: 'denied', code: 'AccessDeniedException', message: 'not authorized to perform eks:ListAccessEntries', permission: 'eks:ListAccessEntries' });
  }),
  /** EC2 instances denied: node-registration (which needs them) is error; the checks that only use them are incomplete. */
  incomplete: mutate((s) => {
    delete s.aws.reservations;
    s.errors.push({ part: 'aws.reservations', call: 'ec2:DescribeInstances', kind: 'denied', code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', permission: 'ec2:DescribeInstances' });
  }),
} satisfies Record<string, Snapshot>;

export const VARIANT_RESOURCES = { karpenterRole: KARPENTER_ROLE_ARN, fargateRole: FARGATE_ROLE_ARN };

export type Variant = keyof typeof SNAPSHOT_VARIANTS;

/** Writes each variant to `<dir>/<name>.json` and returns the paths. */
export function writeVariants(dir = mkdtempSync(join(tmpdir(), 'eks-doctor-contract-'))): Record<Variant, string> & { dir: string } {
  const paths = { dir } as Record<Variant, string> & { dir: string };
  for (const [name, snapshot] of Object.entries(SNAPSHOT_VARIANTS) as [Variant, Snapshot][]) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, scenarioFileText(snapshot));
    paths[name] = file;
  }
  return paths;
}
