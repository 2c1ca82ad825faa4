/**
 * The enrichment plan: after diagnosis, the extra reads that tell what changed on the resources of
 * the root causes (and of symptoms no cause explains). Pure: from the report to a list of reads.
 */
import type { Report } from '../engine/report.js';
import { changeHistoryFindings, changeSubjects, subjectKey } from './subjects.js';

/** How far back the change history looks unless --change-window says otherwise. */
export const DEFAULT_CHANGE_WINDOW_HOURS = 24;
/** CloudTrail requests one diagnosis may make (each a page of at most 50 events): at 2 a second, half a minute at most. */
export const DEFAULT_CLOUDTRAIL_REQUEST_BUDGET = 60;
/**
 * CloudTrail delivers an event to LookupEvents minutes after the call (typically within 15,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html): an empty
 * answer about the last minutes proves nothing.
 */
export const CLOUDTRAIL_DELIVERY_DELAY_MINUTES = 15;

export interface CloudTrailTarget {
  resourceName: string;
  region: string;
}

export interface EnrichmentPlan {
  /** From `since` to `until` (the snapshot's capture time). */
  since: string;
  until: string;
  /** In the order of the findings that name them (the first root cause's first): the budget serves those first. */
  cloudTrail: CloudTrailTarget[];
  eksUpdates: { cluster: boolean; nodegroups: string[]; addons: string[] };
}

export function changeWindow(until: string, windowHours: number): { since: string; until: string } {
  return { since: new Date(Date.parse(until) - windowHours * 3_600_000).toISOString(), until };
}

export function planEnrichment(report: Report, options: { region: string; until: string; windowHours: number }): EnrichmentPlan {
  const cloudTrail: CloudTrailTarget[] = [];
  const nodegroups = new Set<string>();
  const addons = new Set<string>();
  let cluster = false;
  const seen = new Set<string>();
  for (const finding of changeHistoryFindings(report)) {
    for (const subject of changeSubjects(finding, options.region)) {
      const key = subjectKey(subject);
      if (seen.has(key)) continue;
      seen.add(key);
      if (subject.kind === 'cloudtrail') cloudTrail.push({ resourceName: subject.resourceName, region: subject.region });
      else if (subject.kind === 'eks-update') {
        if (subject.target === 'cluster') cluster = true;
        else (subject.target === 'nodegroup' ? nodegroups : addons).add(subject.name);
      }
    }
  }
  return { ...changeWindow(options.until, options.windowHours), cloudTrail, eksUpdates: { cluster, nodegroups: [...nodegroups], addons: [...addons] } };
}

export function planIsEmpty(plan: EnrichmentPlan): boolean {
  return plan.cloudTrail.length === 0 && !plan.eksUpdates.cluster && plan.eksUpdates.nodegroups.length === 0 && plan.eksUpdates.addons.length === 0;
}
