import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import type { CloudTrailEventSummary, Snapshot } from '../snapshot/types.js';
import { attachChangeHistory, CHANGED_RECENTLY, CHANGES_IN_EVIDENCE, durationText } from './attach.js';
import { planEnrichment } from './plan.js';

const UNTIL = '2026-11-20T03:12:00.000Z';
const NAT = 'nat-0f1e2d3c4b5a69788';
const RTB = 'rtb-0a1a1a1a1a1a1a1a1';

function finding(over: Partial<Finding>): Finding {
  return {
    id: 'routes-egress/default-route-blackhole',
    key: `routes-egress/default-route-blackhole:${NAT}`,
    check: 'routes-egress',
    severity: 'critical',
    title: 'blackhole',
    rootCause: 'the NAT gateway is gone',
    evidence: ['the route 0.0.0.0/0 is a blackhole'],
    resources: [
      { type: 'aws:ec2:nat-gateway', id: NAT },
      { type: 'aws:ec2:route-table', id: RTB },
      { type: 'aws:ec2:instance', id: 'i-0a00000000000000' },
    ],
    fix: { summary: 'replace it', commands: [], docs: [] },
    explains: ['node-registration/instance-not-joined:i-0a00000000000000'],
    explainedBy: [],
    ...over,
  };
}

const symptom = finding({ id: 'node-registration/instance-not-joined', key: 'node-registration/instance-not-joined:i-0a00000000000000', check: 'node-registration', explains: [], explainedBy: [`routes-egress/default-route-blackhole:${NAT}`], resources: [{ type: 'aws:ec2:instance', id: 'i-0a00000000000000' }] });

function report(findings: Finding[]): Report {
  return { findings, collectionErrors: [] } as unknown as Report;
}

function snapshot(over: Partial<Snapshot['aws']> = {}, errors: Snapshot['errors'] = []): Snapshot {
  return { kind: 'eks-doctor.snapshot', schemaVersion: 1, capturedAt: UNTIL, cluster: { name: 'shop-prod', region: 'eu-west-1' }, aws: over, kubernetes: {}, errors } as Snapshot;
}

function ev(id: string, name: string, minutesBefore: number, over: Partial<CloudTrailEventSummary> = {}): CloudTrailEventSummary {
  return { EventId: id, EventName: name, EventTime: new Date(Date.parse(UNTIL) - minutesBefore * 60_000).toISOString(), Resources: [{ ResourceName: NAT }], CloudTrailEvent: { userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/ci/s-1' }, sourceIPAddress: '52.94.133.131' }, ...over };
}

const lookup = (resourceName: string, events: CloudTrailEventSummary[], over = {}) => ({ resourceName, region: 'eu-west-1', startTime: '2026-11-19T03:12:00.000Z', endTime: UNTIL, events, ...over });
const changed = (r: Report) => r.findings[0]!.evidence.filter((e) => e.startsWith(CHANGED_RECENTLY));

describe('attachChangeHistory', () => {
  it('plans lookups for the root cause\'s EC2 resources, not its instances (their launches are the Auto Scaling group\'s)', () => {
    const plan = planEnrichment(report([finding({}), symptom]), { region: 'eu-west-1', until: UNTIL, windowHours: 24 });
    expect(plan.cloudTrail).toEqual([{ resourceName: NAT, region: 'eu-west-1' }, { resourceName: RTB, region: 'eu-west-1' }]);
    expect(plan.since).toBe('2026-11-19T03:12:00.000Z');
  });

  it('newest first, a failed call and anything outside the window left out, one event found by two lookups shown once', () => {
    const shared = ev('e-shared', 'ReplaceRoute', 5, { Resources: [{ ResourceName: NAT }, { ResourceName: RTB }] });
    const s = snapshot({
      cloudTrailLookups: [
        lookup(NAT, [shared, ev('e-1', 'DeleteNatGateway', 50), ev('e-failed', 'CreateNatGateway', 20, { CloudTrailEvent: { errorCode: 'Client.UnauthorizedOperation' } }), ev('e-old', 'CreateNatGateway', 60 * 30)]),
        lookup(RTB, [shared]),
      ],
    });
    const out = attachChangeHistory(report([finding({}), symptom]), s);
    expect(out.changeHistory!.changes.map((c) => c.action)).toEqual(['ReplaceRoute', 'DeleteNatGateway']);
    expect(changed(out)).toEqual([
      `${CHANGED_RECENTLY} ReplaceRoute ${NAT} by assumed-role/ci/s-1 from 52.94.133.131, 5 min before the diagnosis (2026-11-20T03:07:00.000Z).`,
      `${CHANGED_RECENTLY} DeleteNatGateway ${NAT} by assumed-role/ci/s-1 from 52.94.133.131, 50 min before the diagnosis (2026-11-20T02:22:00.000Z).`,
    ]);
    // The symptom gets no lines: its cause carries them.
    expect(out.findings[1]!.evidence).toEqual(symptom.evidence);
  });

  it(`keeps ${CHANGES_IN_EVIDENCE} changes in the evidence and points at the rest`, () => {
    const events = Array.from({ length: 8 }, (_, i) => ev(`e-${i}`, `ModifyThing${i}`, 10 + i));
    const out = attachChangeHistory(report([finding({}), symptom]), snapshot({ cloudTrailLookups: [lookup(NAT, events), lookup(RTB, [])] }));
    const lines = changed(out);
    expect(lines).toHaveLength(CHANGES_IN_EVIDENCE + 1);
    expect(lines.at(-1)).toBe(`${CHANGED_RECENTLY} and 3 more changes in the change history.`);
    expect(out.changeHistory!.changes).toHaveLength(8);
  });

  it('with every lookup answered and nothing found, says what that covers and that the last 15 minutes may be missing: never "nothing changed"', () => {
    const out = attachChangeHistory(report([finding({}), symptom]), snapshot({ cloudTrailLookups: [lookup(NAT, []), lookup(RTB, [])] }));
    expect(changed(out)).toEqual([
      `${CHANGED_RECENTLY} CloudTrail records no successful write call on ${NAT}, ${RTB} from 2026-11-19 03:12 UTC to 2026-11-20 03:12 UTC; it delivers events up to ~15 minutes late, so a change after 2026-11-20 02:57 UTC may not show yet.`,
    ]);
  });

  it('says nothing of a resource it could not look up: the budget ran out, or CloudTrail failed', () => {
    const cut = attachChangeHistory(report([finding({}), symptom]), snapshot({ cloudTrailLookups: [lookup(NAT, []), lookup(RTB, [], { budgetExhausted: true })] }));
    expect(changed(cut)).toEqual([]);
    expect(cut.changeHistory!.sources.find((s) => s.source === 'cloudtrail')).toEqual({ source: 'cloudtrail', status: 'incomplete', detail: `the CloudTrail request budget ran out: ${RTB} not (fully) looked up` });
    const failed = attachChangeHistory(report([finding({}), symptom]), snapshot({}, [{ part: 'aws.cloudTrailLookups', call: 'cloudtrail:LookupEvents', kind: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded' }]));
    expect(changed(failed)).toEqual([]);
    expect(failed.changeHistory!.sources[0]).toEqual({ source: 'cloudtrail', status: 'failed', detail: 'cloudtrail:LookupEvents ThrottlingException: Rate exceeded' });
    expect(failed.collectionErrors).toHaveLength(1);
  });

  it('leaves a report with no root cause nor unexplained symptom as it is', () => {
    const healthy = report([finding({ explains: [], severity: 'info' })]);
    expect(attachChangeHistory(healthy, snapshot({ cloudTrailLookups: [lookup(NAT, [ev('e-1', 'DeleteNatGateway', 5)])] })).changeHistory).toBeUndefined();
  });

  it('words durations the way an on-call engineer reads them', () => {
    expect([20_000, 40 * 60_000, 125 * 60_000, 180 * 60_000, 50 * 3_600_000].map(durationText)).toEqual(['less than a minute', '40 min', '2 h 5 min', '3 h', '2 days']);
  });
});
