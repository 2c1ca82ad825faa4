import { describeDiagnostic, mutate } from '../test/support/diagnostic-tester.js';
import type { ApiServerAccess, Snapshot } from '../src/snapshot/types.js';
import apiServerAccess from './api-server-access.js';

const CALLER = 'arn:aws:sts::111122223333:assumed-role/oncall/alice';

function unreachable(failure: NonNullable<ApiServerAccess['failure']>, edit: (s: Snapshot) => void = () => {}): Snapshot {
  return mutate((s) => {
    s.kubernetes = { apiServer: { method: 'eks-token', server: s.aws.cluster!.endpoint!, reachable: false, failure } };
    s.aws.callerIdentity = { Account: '111122223333', Arn: CALLER, UserId: 'AROAEXAMPLE:alice' };
    edit(s);
  });
}

const timeout = { kind: 'timeout', message: 'no answer within 10s' } as const;

describeDiagnostic(apiServerAccess, {
  healthy: [{ name: 'baseline (API server reached)', snapshot: mutate(() => {}) }],
  broken: [
    {
      name: 'private-only endpoint and a timeout',
      snapshot: unreachable(timeout, (s) => {
        s.aws.cluster!.resourcesVpcConfig!.endpointPublicAccess = false;
      }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/private-endpoint-only', canExplain: ['api-server-unreachable'] }],
    },
    {
      name: 'publicAccessCidrs that exclude the caller',
      snapshot: unreachable(timeout, (s) => {
        s.aws.cluster!.resourcesVpcConfig!.publicAccessCidrs = ['203.0.113.0/24'];
      }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/public-access-cidrs', mentions: '203.0.113.0/24' }],
    },
    {
      name: '401 for a caller with no access entry',
      snapshot: unreachable({ kind: 'unauthorized', message: 'Unauthorized', httpStatus: 401 }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/caller-not-mapped', resource: 'arn:aws:iam::111122223333:role/oncall' }],
    },
    {
      name: 'cluster not ACTIVE',
      snapshot: unreachable({ kind: 'unreachable', message: 'connect ECONNREFUSED' }, (s) => {
        s.aws.cluster!.status = 'UPDATING';
      }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/cluster-not-active', mentions: 'UPDATING' }],
    },
    {
      name: 'certificate from another CA',
      snapshot: unreachable({ kind: 'tls', message: 'self-signed certificate in certificate chain' }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/certificate-mismatch' }],
    },
    {
      name: '403 on the first request',
      snapshot: unreachable({ kind: 'forbidden', message: 'forbidden', httpStatus: 403 }),
      expect: [{ id: 'api-server-access/unreachable' }, { id: 'api-server-access/caller-lacks-rbac' }],
    },
  ],
});

// A caller that has an access entry gets the symptom only: the mapping is not the cause.
describeDiagnostic(apiServerAccess, {
  healthy: [],
  broken: [
    {
      name: '401 although the caller has an access entry (role with a path)',
      snapshot: unreachable({ kind: 'unauthorized', message: 'Unauthorized', httpStatus: 401 }, (s) => {
        s.aws.accessEntries = [...(s.aws.accessEntries ?? []), { principalArn: 'arn:aws:iam::111122223333:role/teams/oncall', type: 'STANDARD' }];
      }),
      expect: [{ id: 'api-server-access/unreachable' }],
    },
  ],
});
