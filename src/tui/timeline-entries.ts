/**
 * The timeline view's content, pure: every change of the report's change history, across AWS and
 * Kubernetes, newest first, each with the findings it touches; then what the history could not
 * see. The view (Timeline.tsx) only draws these entries; ui-state.ts moves over them.
 */
import type { Report, ResourceChange } from '../engine/report.js';
import { beforeText, changeHistoryNotes, changeText, minuteText } from '../enrich/attach.js';

export interface TimelineEntry {
  change: ResourceChange;
  /** "2026-11-20 02:22 UTC · 50 min before the diagnosis" */
  when: string;
  what: string;
  /** The titles of the findings it touches, in the report's order (root causes first). */
  touches: { key: string; title: string }[];
}

export interface Timeline {
  entries: TimelineEntry[];
  notes: string[];
}

export function timelineOf(report: Report): Timeline | undefined {
  const history = report.changeHistory;
  if (!history) return undefined;
  const order = new Map(report.findings.map((f, i) => [f.key, i]));
  return {
    entries: history.changes.map((change) => ({
      change,
      when: `${minuteText(Date.parse(change.time))} · ${beforeText(change, history.until)}`,
      what: changeText(change),
      touches: [...change.findings]
        .sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity))
        .map((key) => ({ key, title: report.findings.find((f) => f.key === key)?.title ?? key })),
    })),
    notes: changeHistoryNotes(history),
  };
}

/** Screen lines each entry takes: when, what, and one line per finding it touches. */
export function entryHeight(entry: TimelineEntry): number {
  return 2 + entry.touches.length;
}

/** The first entry to draw so that `selected` is in view in `height` lines, scrolling as little as possible from `first`. */
export function firstVisible(entries: TimelineEntry[], selected: number, height: number): number {
  let first = 0;
  let used = 0;
  for (let i = 0; i <= selected && i < entries.length; i++) {
    used += entryHeight(entries[i]!);
    while (used > height && first < i) {
      used -= entryHeight(entries[first]!);
      first++;
    }
  }
  return first;
}
