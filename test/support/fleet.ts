/**
 * Fleets for the --all-clusters tests: bundled scenarios as other clusters served by one AWS mock,
 * and the built CLI run against it as a user would (npm test builds first).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MOCK_CREDENTIALS } from '../../mocks/aws-mock/index.js';
import { loadScenario } from '../../mocks/bundled-scenarios.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const run = promisify(execFile);

/** A bundled scenario as another cluster: its name and region replaced everywhere (tags, ARNs, AZs). */
export function asCluster(scenario: string, name: string, region: string): Snapshot {
  const text = JSON.stringify(loadScenario(scenario)).replaceAll('shop-prod', name).replaceAll('eu-west-1', region);
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
