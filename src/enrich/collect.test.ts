import type { LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import type { AwsClients, CloudTrailReader } from '../collect/aws/clients.js';
import type { Snapshot } from '../snapshot/types.js';
import { collectChanges, newChangeLookupShared } from './collect.js';
import type { EnrichmentPlan } from './plan.js';

const UNTIL = '2026-11-20T03:12:00.000Z';
const SINCE = '2026-11-19T03:12:00.000Z';

const snapshot = { kind: 'eks-doctor.snapshot', schemaVersion: 1, capturedAt: UNTIL, cluster: { name: 'shop-prod', region: 'eu-west-1' }, aws: { callerIdentity: { Account: '111122223333' } }, kubernetes: {}, errors: [] } as Snapshot;

/** A CloudTrail event as LookupEvents returns it, its CloudTrailEvent the JSON string AWS sends (with what must not be kept). */
function event(id: string, name: string, minutesBefore: number, resource: string, readOnly = false) {
  return {
    EventId: id,
    EventName: name,
    ReadOnly: String(readOnly),
    AccessKeyId: 'ASIAEXAMPLEKEY000001',
    EventTime: new Date(Date.parse(UNTIL) - minutesBefore * 60_000),
    EventSource: 'ec2.amazonaws.com',
    Username: 'gitlab-pipeline-48213',
    Resources: [{ ResourceType: 'AWS::EC2::NatGateway', ResourceName: resource }],
    CloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:gitlab-pipeline-48213', arn: 'arn:aws:sts::111122223333:assumed-role/terraform-ci/gitlab-pipeline-48213', accountId: '111122223333', accessKeyId: 'ASIAEXAMPLEKEY000001' },
      eventTime: new Date(Date.parse(UNTIL) - minutesBefore * 60_000).toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName: name,
      awsRegion: 'eu-west-1',
      sourceIPAddress: '52.94.133.131',
      userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.8',
      requestParameters: { DeleteNatGatewayRequest: { NatGatewayId: resource } },
      responseElements: { DeleteNatGatewayResponse: { natGatewayId: resource } },
    }),
  };
}

/** Answers every lookup with `pages` pages of one event each, recording each request and the region it went to. */
function fakeCloudTrail(pages: number) {
  const requests: { region: string; input: LookupEventsCommandInput }[] = [];
  const clients = {
    region: 'eu-west-1',
    async cloudTrail(region: string): Promise<CloudTrailReader> {
      return {
        async lookupEvents(input): Promise<LookupEventsCommandOutput> {
          requests.push({ region, input });
          const resource = input.LookupAttributes![0]!.AttributeValue!;
          const page = input.NextToken ? Number(input.NextToken) : 0;
          const events = [event(`${resource}-${page}`, page === 1 ? 'DescribeNatGateways' : 'DeleteNatGateway', 10 + page, resource, page === 1)];
          return { Events: events, ...(page + 1 < pages ? { NextToken: String(page + 1) } : {}), $metadata: {} };
        },
      };
    },
  } as unknown as AwsClients;
  return { clients, requests };
}

const plan = (targets: { resourceName: string; region: string }[], until = UNTIL, since = SINCE): EnrichmentPlan => ({ since, until, cloudTrail: targets, eksUpdates: { cluster: false, nodegroups: [], addons: [] } });

describe('the CloudTrail lookups of the enrichment pass', () => {
  it('one ResourceName attribute per call, pages of at most 50, write events only, cut to who/what/when/where', async () => {
    const { clients, requests } = fakeCloudTrail(3);
    const changes = await collectChanges({ snapshot, plan: plan([{ resourceName: 'nat-0f1e2d3c4b5a69788', region: 'eu-west-1' }]), clients, shared: newChangeLookupShared() });
    expect(requests).toHaveLength(3);
    for (const { input } of requests) {
      expect(input.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: 'nat-0f1e2d3c4b5a69788' }]);
      expect(input.MaxResults).toBe(50);
      expect(input.StartTime?.toISOString()).toBe(SINCE);
      expect(input.EndTime?.toISOString()).toBe(UNTIL);
    }
    expect(requests.map((r) => r.input.NextToken)).toEqual([undefined, '1', '2']);
    const lookup = changes.aws.cloudTrailLookups![0]!;
    // The read-only DescribeNatGateways of page 1 is no change.
    expect(lookup.events.map((e) => e.EventName)).toEqual(['DeleteNatGateway', 'DeleteNatGateway']);
    expect(lookup.events[0]).toEqual({
      EventId: 'nat-0f1e2d3c4b5a69788-0',
      EventName: 'DeleteNatGateway',
      EventTime: '2026-11-20T03:02:00.000Z',
      EventSource: 'ec2.amazonaws.com',
      Resources: [{ ResourceType: 'AWS::EC2::NatGateway', ResourceName: 'nat-0f1e2d3c4b5a69788' }],
      CloudTrailEvent: { userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/terraform-ci/gitlab-pipeline-48213' }, sourceIPAddress: '52.94.133.131' },
    });
    expect(JSON.stringify(changes)).not.toMatch(/ASIAEXAMPLEKEY|requestParameters|responseElements|Terraform\/1|principalId/);
    expect(changes.errors).toEqual([]);
  });

  it('looks IAM resources up where IAM records them, each region on its own client', async () => {
    const { clients, requests } = fakeCloudTrail(1);
    await collectChanges({ snapshot, plan: plan([{ resourceName: 'shop-prod-node-role', region: 'us-east-1' }, { resourceName: 'sg-0b7c8d9e0f1a2b3c4', region: 'eu-west-1' }]), clients, shared: newChangeLookupShared() });
    expect(requests.map((r) => `${r.region} ${r.input.LookupAttributes![0]!.AttributeValue}`)).toEqual(['us-east-1 shop-prod-node-role', 'eu-west-1 sg-0b7c8d9e0f1a2b3c4']);
  });

  it('stops at the request budget, in the plan order, and says which lookups it cut short', async () => {
    const { clients, requests } = fakeCloudTrail(3);
    const targets = ['nat-0f1e2d3c4b5a69788', 'rtb-0a1a1a1a1a1a1a1a1', 'subnet-0a11111111111111a'].map((resourceName) => ({ resourceName, region: 'eu-west-1' }));
    const changes = await collectChanges({ snapshot, plan: plan(targets), clients, shared: newChangeLookupShared(), budget: 4 });
    expect(requests).toHaveLength(4);
    expect(changes.aws.cloudTrailLookups!.map((l) => `${l.resourceName} ${l.budgetExhausted === true}`)).toEqual(['nat-0f1e2d3c4b5a69788 false', 'rtb-0a1a1a1a1a1a1a1a1 true', 'subnet-0a11111111111111a true']);
  });

  it('a later run (--watch) asks only from shortly before the last run ended, and keeps what it found then', async () => {
    const shared = newChangeLookupShared();
    const first = fakeCloudTrail(1);
    await collectChanges({ snapshot, plan: plan([{ resourceName: 'nat-0f1e2d3c4b5a69788', region: 'eu-west-1' }]), clients: first.clients, shared });
    const later = '2026-11-20T03:42:00.000Z';
    const second = fakeCloudTrail(1);
    const changes = await collectChanges({ snapshot: { ...snapshot, capturedAt: later }, plan: plan([{ resourceName: 'nat-0f1e2d3c4b5a69788', region: 'eu-west-1' }], later, '2026-11-19T03:42:00.000Z'), clients: second.clients, shared });
    // From 15 minutes before the first run's end: CloudTrail may have delivered late events since.
    expect(second.requests.map((r) => r.input.StartTime?.toISOString())).toEqual(['2026-11-20T02:57:00.000Z']);
    // The first run's event is kept (same EventId from both answers: once).
    expect(changes.aws.cloudTrailLookups![0]!.events.map((e) => e.EventId)).toEqual(['nat-0f1e2d3c4b5a69788-0']);
  });

  it('AccessDenied fails the CloudTrail part only, recorded with the permission to grant', async () => {
    const denied = {
      region: 'eu-west-1',
      async cloudTrail(): Promise<CloudTrailReader> {
        return {
          lookupEvents: () =>
            Promise.reject(Object.assign(new Error('User: arn:aws:iam::111122223333:user/x is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })),
        };
      },
    } as unknown as AwsClients;
    const changes = await collectChanges({ snapshot, plan: plan([{ resourceName: 'nat-0f1e2d3c4b5a69788', region: 'eu-west-1' }]), clients: denied, shared: newChangeLookupShared() });
    expect(changes.aws.cloudTrailLookups).toBeUndefined();
    expect(changes.errors.map((e) => `${e.part} ${e.call} ${e.kind} ${e.permission}`)).toEqual(['aws.cloudTrailLookups cloudtrail:LookupEvents denied cloudtrail:LookupEvents']);
  });
});
