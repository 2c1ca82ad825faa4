/**
 * One scenario served live: the AWS mock and the Kubernetes mock API server together, wired so that
 * DescribeCluster names the Kubernetes mock's endpoint and CA. `demo`, `mock-server` and the
 * end-to-end tests all start it this way.
 */
import { MOCK_CREDENTIALS, startAwsMock, type AwsMock, type FaultRule } from './aws-mock/index.js';
import { startKubernetesMock, type BodyFault, type KubernetesFault, type KubernetesMock, type KubernetesRequestFault } from './k8s-mock/api-server.js';
import { mockKubeconfigYaml } from './k8s-mock/kubeconfig.js';
import { RequestLog } from './request-log.js';
import { createEksToken } from '../src/collect/kubernetes/eks-token.js';
import type { LiveSettings, TimeoutSettings } from '../src/cli/live-settings.js';
import type { Snapshot } from '../src/snapshot/types.js';

export interface MockCluster {
  clusterName: string;
  region: string;
  /** The AWS endpoint (http://127.0.0.1:PORT), for --endpoint-url and AWS_ENDPOINT_URL. */
  awsUrl: string;
  /** The API server (https://127.0.0.1:PORT). */
  kubernetesUrl: string;
  credentials: typeof MOCK_CREDENTIALS;
  aws: AwsMock;
  kubernetes: KubernetesMock;
  /** Both mocks' requests, in arrival order. */
  log: RequestLog;
  /** A kubeconfig for kubectl or --kubeconfig, with a token signed by the mock credentials. */
  kubeconfig(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Settings that send the real live path to this mock cluster (`demo`, the MCP server's demo target). The mock's world
 * stands at the moment the scenario was captured, so ages are measured from there.
 */
export function mockLiveSettings(cluster: MockCluster, scenario: Snapshot, timing: TimeoutSettings & { debug: boolean }): LiveSettings {
  return {
    clusterName: cluster.clusterName,
    region: cluster.region,
    endpointUrl: cluster.awsUrl,
    credentials: cluster.credentials,
    ...timing,
    now: () => new Date(scenario.capturedAt),
  };
}

export async function startMockCluster(options: {
  scenario: Snapshot;
  awsPort?: number;
  kubernetesPort?: number;
  kubernetesFault?: KubernetesFault;
  /** Broken bodies from the Kubernetes mock, by path. */
  kubernetesBodyFaults?: Record<string, BodyFault>;
  /** Faults for some Kubernetes requests, by path and counter (429, 5xx, 410 on continue, resets, hangs). */
  kubernetesRequestFaults?: KubernetesRequestFault[];
  /** Caps the Kubernetes mock's list pages, so lists follow continue tokens. */
  kubernetesMaxPageSize?: number;
  awsFaults?: FaultRule[];
  /** UserData (base64) the AWS mock serves as is, by 'lt-id:version' (read at each request, so a test may fill it after start). */
  awsUserData?: ReadonlyMap<string, string>;
  /** Added to every answer of both mocks (ms). */
  latencyMs?: number;
  /** The Kubernetes mock's own latency, when it differs (the benchmark: 40 ms for AWS, 10 ms for Kubernetes). */
  kubernetesLatencyMs?: number;
  log?: RequestLog;
}): Promise<MockCluster> {
  const { scenario } = options;
  const log = options.log ?? new RequestLog();
  const kubernetes = await startKubernetesMock({
    kubernetes: scenario.kubernetes,
    clusterName: scenario.cluster.name,
    credentials: MOCK_CREDENTIALS,
    log,
    ...(options.kubernetesPort !== undefined ? { port: options.kubernetesPort } : {}),
    ...(options.kubernetesFault ? { fault: options.kubernetesFault } : {}),
    ...(options.kubernetesBodyFaults ? { bodyFaults: options.kubernetesBodyFaults } : {}),
    ...(options.kubernetesRequestFaults ? { requestFaults: options.kubernetesRequestFaults } : {}),
    ...(options.kubernetesMaxPageSize !== undefined ? { maxPageSize: options.kubernetesMaxPageSize } : {}),
    ...((options.kubernetesLatencyMs ?? options.latencyMs) !== undefined ? { latencyMs: options.kubernetesLatencyMs ?? options.latencyMs } : {}),
  });
  let aws: AwsMock;
  try {
    aws = await startAwsMock({
      snapshots: [scenario],
      log,
      ...(options.awsPort !== undefined ? { port: options.awsPort } : {}),
      ...(options.awsFaults ? { faults: options.awsFaults } : {}),
      ...(options.awsUserData ? { userData: options.awsUserData } : {}),
      ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
      clusterOverrides: (s) => (s.cluster.name === scenario.cluster.name ? { endpoint: kubernetes.url, certificateAuthorityData: kubernetes.certificateAuthorityData } : undefined),
    });
  } catch (error) {
    await kubernetes.close();
    throw error;
  }
  return {
    clusterName: scenario.cluster.name,
    region: scenario.cluster.region,
    awsUrl: aws.url,
    kubernetesUrl: kubernetes.url,
    credentials: MOCK_CREDENTIALS,
    aws,
    kubernetes,
    log,
    async kubeconfig() {
      const token = await createEksToken({ clusterName: scenario.cluster.name, region: scenario.cluster.region, credentials: MOCK_CREDENTIALS, stsEndpoint: aws.url });
      return mockKubeconfigYaml({ clusterName: scenario.cluster.name, server: kubernetes.url, certificateAuthorityData: kubernetes.certificateAuthorityData, token });
    },
    async close() {
      await Promise.all([aws.close(), kubernetes.close()]);
    },
  };
}
