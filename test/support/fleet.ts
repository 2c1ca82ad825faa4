/**
 * Fleets for the --all-clusters tests: bundled scenarios as other clusters served by one AWS mock,
 * and the built CLI run against it as a user would (npm test builds first).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const run = promisify(execFile);

/**
 * A bundled scenario as another cluster: its name and region replaced everywhere (tags, ARNs, AZs), and
 * its launch templates and the UUIDs EKS puts in managed node groups' Auto Scaling group and launch
 * template names given values of their own. The clusters of a region share the mock's VPC resources, as
 * clusters of one account may; a launch template or Auto Scaling group they shared would bootstrap every
 * cluster's nodes into the first one, which node-bootstrap rightly reports.
 */
export function asCluster(scenario: string, name: string, region: string): Snapshot {
  const own = (id: string) => createHash('sha256').update(`${name}/${id}`).digest('hex');
  const ownUuid = (uuid: string) => own(uuid).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const text = JSON.stringify(loadScenario(scenario))
    .replaceAll('shop-prod', name)
    .replaceAll('eu-west-1', region)
    .replace(/\blt-[0-9a-f]{17}\b/g, (id) => `lt-${own(id).slice(0, 17)}`)
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, ownUuid);
  return JSON.parse(text) as Snapshot;
}

/** The built CLI with the mock's credentials and nothing of the developer's AWS setup. */
export async function fleetCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: MOCK_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOCK_CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...extraEnv };
  delete env.AWS_PROFILE;
  if (!('JOB_COMPLETION_INDEX' in extraEnv)) delete env.JOB_COMPLETION_INDEX;
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/eks-doctor.js', ...args], { env, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
