import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../../mocks/bundled-scenarios.js';
import { UserError } from '../../user-error.js';
import { numberValue, stringValue, type CommandSpec } from '../command.js';
import { timedImport } from '../../trace/tracer.js';

export const mockServerCommand: CommandSpec = {
  name: 'mock-server',
  summary: 'Serve a bundled scenario as a local AWS API and Kubernetes API server, for eks-doctor, the aws CLI and kubectl.',
  usage: 'eks-doctor mock-server [--scenario NAME] [--port N] [--kubernetes-port N]',
  description:
    'Prints the environment variables and a kubeconfig file that point any client at the mock, then serves until interrupted (Ctrl-C). ' +
    'AWS requests must be signed with the printed test credentials; the API server accepts only EKS tokens signed with them.',
  options: [
    { name: 'scenario', type: 'string', valueName: 'NAME', description: 'Scenario to serve (see `eks-doctor demo --list`; default baseline)' },
    { name: 'port', type: 'string', valueName: 'N', description: 'Port of the AWS API (default: a free port)' },
    { name: 'kubernetes-port', type: 'string', valueName: 'N', description: 'Port of the Kubernetes API server (default: a free port)' },
  ],
  examples: ['eks-doctor mock-server --scenario node-role-not-mapped --port 4566'],
  async run(args, io) {
    const name = stringValue(args.values.scenario) ?? 'baseline';
    const scenario = loadScenario(name);
    const awsPort = numberValue('port', args.values.port, { min: 0, integer: true });
    const kubernetesPort = numberValue('kubernetes-port', args.values['kubernetes-port'], { min: 0, integer: true });
    const { startMockCluster } = await timedImport('mocks', () => import('../../../mocks/mock-cluster.js'));
    let cluster;
    try {
      cluster = await startMockCluster({
        scenario,
        ...(awsPort !== undefined ? { awsPort } : {}),
        ...(kubernetesPort !== undefined ? { kubernetesPort } : {}),
      });
    } catch (error) {
      throw new UserError(`cannot start the mock: ${(error as Error).message}`, 'Is the port in use? Pick another with --port, or leave it out for a free one.');
    }
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-mock-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, await cluster.kubeconfig(), { mode: 0o600 });
    const lines = [
      `eks-doctor mock-server: scenario ${name}: cluster ${cluster.clusterName} in ${cluster.region}`,
      `  AWS API:         ${cluster.awsUrl}`,
      `  Kubernetes API:  ${cluster.kubernetesUrl} (TLS; its CA is in the kubeconfig and in DescribeCluster)`,
      `  kubeconfig:      ${kubeconfig}`,
      '',
      '# Point the aws CLI, kubectl and eks-doctor at it (in another shell):',
      `export AWS_ENDPOINT_URL=${cluster.awsUrl}`,
      `export AWS_ACCESS_KEY_ID=${cluster.credentials.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${cluster.credentials.secretAccessKey}`,
      `export AWS_REGION=${cluster.region}`,
      `export AWS_DEFAULT_REGION=${cluster.region}`,
      `export KUBECONFIG=${kubeconfig}`,
      '',
      '# Then, for example (from the clone: npx runs its eks-doctor):',
      `npx eks-doctor diagnose --cluster ${cluster.clusterName} --kubeconfig ${kubeconfig}`,
      `env -u KUBECONFIG npx eks-doctor diagnose --cluster ${cluster.clusterName}   # no kubeconfig: DescribeCluster's endpoint and an EKS token`,
      `aws eks describe-cluster --name ${cluster.clusterName}`,
      'kubectl get nodes',
      '',
      'Serving; press Ctrl-C to stop.',
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
    io.stderr.write('eks-doctor mock-server: stopped\n');
    return 0;
  },
};
