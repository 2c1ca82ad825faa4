/**
 * Serves a generated cluster of N nodes (with its workload, as `npm run bench` does) from the mocks
 * until interrupted, and prints the environment and the `diagnose` command line that reach it: for
 * profiling one run by hand (`node --cpu-prof`, `--trace-gc`, heap snapshots) against a cluster
 * started once.
 *
 *   tsc -p bench/tsconfig.json && node dist/bench/serve-scaled.js 5000 [--without-workload]
 */
import { startMockCluster } from '../mocks/mock-cluster.js';
import { buildScaledCluster } from '../mocks/scenario-builder/scale.js';

const nodes = Number(process.argv[2] ?? 5000);
const withoutWorkload = process.argv.includes('--without-workload');
const snapshot = buildScaledCluster(nodes, withoutWorkload ? {} : { workload: {} });
const cluster = await startMockCluster({ scenario: snapshot, latencyMs: Number(process.env.AWS_LATENCY ?? 40), kubernetesLatencyMs: Number(process.env.KUBERNETES_LATENCY ?? 10) });
process.stdout.write(
  [
    `export AWS_ACCESS_KEY_ID=${cluster.credentials.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${cluster.credentials.secretAccessKey}`,
    `export AWS_REGION=${snapshot.cluster.region}`,
    `# node bin/eks-doctor.js diagnose --cluster ${snapshot.cluster.name} --region ${snapshot.cluster.region} --endpoint-url ${cluster.awsUrl} --output json --timeout 600`,
    `CLUSTER=${snapshot.cluster.name}`,
    `ENDPOINT=${cluster.awsUrl}`,
    '',
  ].join('\n'),
);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await cluster.close();
