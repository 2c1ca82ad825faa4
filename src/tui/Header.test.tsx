import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { makeReport } from '../../test/tui/report-fixture.js';
import { Header } from './Header.js';

describe('Header', () => {
  it('names the cluster, version, region, account, identity and how the Kubernetes API was reached', () => {
    const frame = render(<Header report={makeReport()} target="snapshot x.json" />).lastFrame();
    expect(frame).toBe(
      [
        'eks-doctor · cluster demo-cluster · Kubernetes 1.29 · eu-west-1 · account 111122223333',
        'identity arn:aws:sts::111122223333:assumed-role/OnCall/alex',
        'Kubernetes API reached with an EKS token at https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      ].join('\n'),
    );
  });

  it('says why the Kubernetes API was not reached', () => {
    const report = makeReport(undefined, {
      kubernetesAccess: { method: 'kubeconfig', context: 'prod', reachable: false, failure: { kind: 'unauthorized', message: 'Unauthorized', httpStatus: 401 } },
    });
    expect(render(<Header report={report} target="x" />).lastFrame()).toContain('Kubernetes API NOT reached: unauthorized: Unauthorized (with kubeconfig (context prod))');
  });

  it('before the first report, names what is being diagnosed', () => {
    expect(render(<Header target="snapshot bundle.json" />).lastFrame()).toContain('eks-doctor · snapshot bundle.json');
  });
});
