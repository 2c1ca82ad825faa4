/**
 * Attaching the change history to a report: pure, from the report and the snapshot (whose change
 * parts the enrichment pass collected live, or a saved bundle carries). Each root cause (and each
 * symptom no cause explains) gets a "Changed recently" part of its evidence, newest first; the
 * report gets `changeHistory`, every change linked to the findings it touches.
 */
import type { Finding, ResourceRef } from '../engine/finding.js';
import type { ChangeHistory, ChangeSourceStatus, Report, ResourceChange } from '../engine/report.js';
import { partValue, type CollectionError, type Snapshot, type SnapshotPart } from '../snapshot/types.js';
import { changeWindow, CLOUDTRAIL_DELIVERY_DELAY_MINUTES, DEFAULT_CHANGE_WINDOW_HOURS } from './plan.js';
import { changeHistoryFindings, changeSubjects, subjectKey, type ChangeSubject } from './subjects.js';

/** Changes shown in one finding's evidence; the rest are in the report's change history. */
export const CHANGES_IN_EVIDENCE = 5;
export const CHANGED_RECENTLY = 'Changed recently:';

const MINUTE = 60_000;

/** "40 min", "3 h 5 min", "2 days": how long before the diagnosis. */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.round(hours / 24)} days`;
}

/** `assumed-role/terraform-ci/session-1234` of an STS or IAM ARN (the account is in the JSON); anything else as it is. */
export function actorText(actor: string): string {
  const match = /^arn:[^:]+:(?:sts|iam)::\d{12}:(.+)$/.exec(actor);
  return match ? match[1]! : actor;
}

function inWindow(time: string | undefined, since: number, until: number): time is string {
  if (!time) return false;
  const t = Date.parse(time);
  return t >= since && t <= until;
}

/** Indexes the subjects of the findings that want a change history: subject key -> subject and finding keys. */
function subjectIndex(findings: Finding[], region: string): Map<string, { subject: ChangeSubject; findings: string[] }> {
  const index = new Map<string, { subject: ChangeSubject; findings: string[] }>();
  for (const f of findings) {
    for (const subject of changeSubjects(f, region)) {
      const key = subjectKey(subject);
      const entry = index.get(key) ?? { subject, findings: [] };
      entry.findings.push(f.key);
      index.set(key, entry);
    }
  }
  return index;
}

function cloudTrailChanges(snapshot: Snapshot, index: ReturnType<typeof subjectIndex>, since: number, until: number): ResourceChange[] {
  const byEvent = new Map<string, ResourceChange>();
  for (const lookup of snapshot.aws.cloudTrailLookups ?? []) {
    const entry = index.get(`cloudtrail|${lookup.region}|${lookup.resourceName}`);
    if (!entry) continue;
    for (const event of lookup.events) {
      // A call that failed changed nothing.
      if (event.CloudTrailEvent?.errorCode || !inWindow(event.EventTime, since, until) || !event.EventName) continue;
      const id = event.EventId ?? `${event.EventTime}|${event.EventName}|${lookup.resourceName}`;
      const known = byEvent.get(id);
      if (known) {
        // One call naming two resources a finding names (a route and its NAT gateway): one change.
        for (const k of entry.findings) if (!known.findings.includes(k)) known.findings.push(k);
        continue;
      }
      const identity = event.CloudTrailEvent?.userIdentity;
      const actor = identity?.arn ?? identity?.invokedBy ?? identity?.type;
      const from = event.CloudTrailEvent?.sourceIPAddress;
      byEvent.set(id, {
        time: new Date(event.EventTime).toISOString(),
        source: 'cloudtrail',
        action: event.EventName,
        resource: entry.subject.ref,
        ...(actor ? { actor } : {}),
        ...(from ? { sourceAddress: from } : {}),
        findings: [...entry.findings],
      });
    }
  }
  return [...byEvent.values()];
}

function eksUpdateChanges(snapshot: Snapshot, index: ReturnType<typeof subjectIndex>, since: number, until: number): ResourceChange[] {
  return (snapshot.aws.eksUpdates ?? []).flatMap((update): ResourceChange[] => {
    const key = update.nodegroupName ? `eks-update|nodegroup|${update.nodegroupName}` : update.addonName ? `eks-update|addon|${update.addonName}` : `eks-update|cluster|${snapshot.cluster.name}`;
    const entry = index.get(key) ?? (update.nodegroupName || update.addonName ? undefined : [...index.values()].find((e) => e.subject.kind === 'eks-update' && e.subject.target === 'cluster'));
    if (!entry || !inWindow(update.createdAt, since, until)) return [];
    const params = (update.params ?? []).map((p) => `${p.type}=${p.value}`).join(', ');
    const errors = (update.errors ?? []).map((e) => `${e.errorCode}: ${e.errorMessage}`).join('; ');
    const detail = [params, errors].filter((s) => s !== '').join('; ');
    return [{ time: new Date(update.createdAt).toISOString(), source: 'eks-update', action: update.type ?? 'Update', resource: entry.subject.ref, ...(update.status ? { status: update.status } : {}), ...(detail ? { detail } : {}), findings: [...entry.findings] }];
  });
}

function scalingChanges(snapshot: Snapshot, index: ReturnType<typeof subjectIndex>, since: number, until: number): ResourceChange[] {
  return (snapshot.aws.scalingActivities ?? []).flatMap((a): ResourceChange[] => {
    const entry = a.AutoScalingGroupName ? index.get(`scaling-activity|${a.AutoScalingGroupName}`) : undefined;
    // A launch that failed changed nothing: it is the symptom, which the checks report.
    if (!entry || a.StatusCode !== 'Successful' || !inWindow(a.StartTime, since, until)) return [];
    return [{ time: new Date(a.StartTime).toISOString(), source: 'scaling-activity', action: a.Description ?? 'Scaling activity', resource: entry.subject.ref, actor: 'Amazon EC2 Auto Scaling', status: a.StatusCode, ...(a.Cause ? { detail: a.Cause } : {}), findings: [...entry.findings] }];
  });
}

interface ManagedObject {
  metadata?: { name?: string; namespace?: string; managedFields?: { manager?: string; operation?: string; time?: string }[] };
}

function managedFieldsChanges(snapshot: Snapshot, index: ReturnType<typeof subjectIndex>, since: number, until: number): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const { subject, findings } of index.values()) {
    if (subject.kind !== 'managed-fields') continue;
    const value = snapshot.kubernetes[subject.part];
    const objects = (Array.isArray(value) ? value : value ? [value] : []) as ManagedObject[];
    const object = objects.find((o) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata?.name) === subject.id);
    for (const m of object?.metadata?.managedFields ?? []) {
      if (!inWindow(m.time, since, until)) continue;
      changes.push({ time: new Date(m.time).toISOString(), source: 'managed-fields', action: m.operation ?? 'Update', resource: subject.ref, ...(m.manager ? { actor: m.manager } : {}), findings: [...findings] });
    }
  }
  return changes;
}

function failureText(errors: CollectionError[]): string {
  return errors.map((e) => `${e.call} ${e.code}${e.permission ? ` (grant ${e.permission})` : ''}: ${e.message}`).join('; ');
}

function sourceStatus(snapshot: Snapshot, source: ChangeSourceStatus['source'], part: SnapshotPart, incompleteDetail?: string): ChangeSourceStatus {
  const errors = snapshot.errors.filter((e) => e.part === part);
  if (errors.length > 0) return { source, status: 'failed', detail: failureText(errors) };
  if (partValue(snapshot, part) === undefined) return { source, status: 'not-collected' };
  return incompleteDetail ? { source, status: 'incomplete', detail: incompleteDetail } : { source, status: 'read' };
}

/** `2026-11-20 02:57 UTC` */
export function minuteText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What changed, by whom, from where: "DeleteNatGateway nat-0f1e… by assumed-role/terraform-ci/s-1 from 52.94.133.131". */
export function changeText(c: ResourceChange): string {
  const who = c.actor ? ` by ${actorText(c.actor)}` : '';
  const from = c.sourceAddress ? ` from ${c.sourceAddress}` : '';
  const status = c.source === 'eks-update' && c.status ? ` (${c.status}${c.detail ? `: ${c.detail}` : ''})` : '';
  const what = c.source === 'managed-fields' ? `${c.action} of ${c.resource.type.slice('k8s:'.length)} ${c.resource.id}` : `${c.action} ${c.resource.id}`;
  return `${what}${status}${who}${from}`;
}

/** "50 min before the diagnosis" */
export function beforeText(c: ResourceChange, until: string): string {
  return `${durationText(Date.parse(until) - Date.parse(c.time))} before the diagnosis`;
}

function changeLine(c: ResourceChange, until: number): string {
  return `${CHANGED_RECENTLY} ${changeText(c)}, ${beforeText(c, new Date(until).toISOString())} (${c.time}).`;
}

const SOURCE_NAMES: Record<ChangeSourceStatus['source'], string> = {
  cloudtrail: 'CloudTrail',
  'eks-update': 'EKS updates',
  'scaling-activity': 'Auto Scaling activities',
  'managed-fields': 'Kubernetes field managers',
};

/**
 * The notes every view prints under the change history: sources that failed or were cut short,
 * and what the last minutes cannot show.
 */
export function changeHistoryNotes(history: ChangeHistory): string[] {
  const notes = history.sources.flatMap((s) => {
    if (s.status === 'failed') return [`${SOURCE_NAMES[s.source]} could not be read: ${s.detail ?? 'unknown reason'}`];
    if (s.status === 'incomplete') return [`${SOURCE_NAMES[s.source]} was read in part: ${s.detail ?? ''}`];
    return [];
  });
  const read = history.sources.filter((s) => s.status === 'read' || s.status === 'incomplete').map((s) => SOURCE_NAMES[s.source]);
  notes.push(`Looked at: ${read.length > 0 ? read.join(', ') : 'nothing'}, from ${minuteText(Date.parse(history.since))} to ${minuteText(Date.parse(history.until))}.`);
  if (history.sources.some((s) => s.source === 'cloudtrail' && (s.status === 'read' || s.status === 'incomplete'))) {
    notes.push(`CloudTrail delivers events up to ~${history.deliveryDelayMinutes} minutes late: a change after ${minuteText(Date.parse(history.until) - history.deliveryDelayMinutes * MINUTE)} may not show yet.`);
  }
  return notes;
}

/**
 * The report with its change history: `changeHistory`, and a "Changed recently" part in the
 * evidence of each finding it touches. A report with no root cause nor unexplained symptom is
 * returned as it is. The collection errors become the snapshot's (the enrichment pass's included).
 */
export function attachChangeHistory(report: Report, snapshot: Snapshot, options: { windowHours?: number } = {}): Report {
  const withErrors = { ...report, collectionErrors: snapshot.errors };
  const targets = changeHistoryFindings(report);
  if (targets.length === 0) return withErrors;
  const lookups = snapshot.aws.cloudTrailLookups ?? [];
  const window = lookups[0] ? { since: lookups[0].startTime, until: snapshot.capturedAt } : changeWindow(snapshot.capturedAt, options.windowHours ?? DEFAULT_CHANGE_WINDOW_HOURS);
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const index = subjectIndex(targets, snapshot.cluster.region);
  const changes = [
    ...cloudTrailChanges(snapshot, index, since, until),
    ...eksUpdateChanges(snapshot, index, since, until),
    ...scalingChanges(snapshot, index, since, until),
    ...managedFieldsChanges(snapshot, index, since, until),
  ].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.action.localeCompare(b.action) || a.resource.id.localeCompare(b.resource.id));

  const skipped = lookups.filter((l) => l.budgetExhausted).map((l) => l.resourceName);
  const cloudTrail = sourceStatus(
    snapshot,
    'cloudtrail',
    'aws.cloudTrailLookups',
    skipped.length > 0 ? `the CloudTrail request budget ran out: ${skipped.join(', ')} not (fully) looked up` : undefined,
  );
  const history: ChangeHistory = {
    since: window.since,
    until: window.until,
    deliveryDelayMinutes: CLOUDTRAIL_DELIVERY_DELAY_MINUTES,
    changes,
    sources: [
      cloudTrail,
      sourceStatus(snapshot, 'eks-update', 'aws.eksUpdates'),
      sourceStatus(snapshot, 'scaling-activity', 'aws.scalingActivities'),
      { source: 'managed-fields', status: [...index.values()].some((e) => e.subject.kind === 'managed-fields' && snapshot.kubernetes[e.subject.part] !== undefined) ? 'read' : 'not-collected' },
    ],
  };

  const findings = report.findings.map((f) => {
    if (!targets.includes(f)) return f;
    const own = changes.filter((c) => c.findings.includes(f.key));
    const lines = own.slice(0, CHANGES_IN_EVIDENCE).map((c) => changeLine(c, until));
    if (own.length > CHANGES_IN_EVIDENCE) lines.push(`${CHANGED_RECENTLY} and ${own.length - CHANGES_IN_EVIDENCE} more changes in the change history.`);
    if (own.length === 0) {
      const quiet = quietLine(f, snapshot, cloudTrail, since, until);
      if (quiet) lines.push(quiet);
    }
    return lines.length > 0 ? { ...f, evidence: [...f.evidence, ...lines] } : f;
  });
  return { ...withErrors, findings, changeHistory: history };
}

/**
 * When CloudTrail was read for every resource of the finding and names no change: what that does
 * and does not show. Never "nothing changed": the last minutes may not have arrived yet.
 */
function quietLine(f: Finding, snapshot: Snapshot, cloudTrail: ChangeSourceStatus, since: number, until: number): string | undefined {
  if (cloudTrail.status === 'failed' || cloudTrail.status === 'not-collected') return undefined;
  const names = changeSubjects(f, snapshot.cluster.region).flatMap((s) => (s.kind === 'cloudtrail' ? [s] : []));
  if (names.length === 0) return undefined;
  const lookups = snapshot.aws.cloudTrailLookups ?? [];
  const complete = names.every((s) => lookups.some((l) => l.resourceName === s.resourceName && l.region === s.region && !l.budgetExhausted));
  if (!complete) return undefined;
  const refs: ResourceRef[] = names.map((s) => s.ref);
  return `${CHANGED_RECENTLY} CloudTrail records no successful write call on ${refs.map((r) => r.id).join(', ')} from ${minuteText(since)} to ${minuteText(until)}; it delivers events up to ~${CLOUDTRAIL_DELIVERY_DELAY_MINUTES} minutes late, so a change after ${minuteText(until - CLOUDTRAIL_DELIVERY_DELAY_MINUTES * MINUTE)} may not show yet.`;
}
