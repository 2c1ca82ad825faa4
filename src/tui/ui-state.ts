import type { Key } from 'ink';
import { allFixCommands, fixWayOfCommand, SEVERITIES } from '../engine/finding.js';
import type { Report } from '../engine/report.js';
import { checkDetailLines, commandLineIndex, detailLines, fixLineIndex, type DetailLine } from './detail-lines.js';
import { maxDetailOffset, scrolledIndex } from './FindingDetail.js';
import {
  checksWithFindings,
  filterActive,
  findingRows,
  listRows,
  NO_FILTER,
  partialRows,
  selectableRows,
  selectionKey,
  type ListFilter,
  type ListRow,
  type PartialView,
  type SelectableRow,
} from './rows.js';
import type { SessionState } from './session.js';
import { timelineOf, type Timeline } from './timeline-entries.js';
import type { TerminalSize } from './use-terminal-size.js';

/**
 * The interactive UI's own state and its key handling, as pure functions: (state, session, size,
 * key) -> (state, effects). App.tsx only wires them to ink and runs the effects, so every key can be
 * tested without rendering.
 */
export type View = 'list' | 'detail' | 'help' | 'timeline';

export interface UiState {
  view: View;
  /** Where `?` or Esc returns to from the help. */
  helpReturn: Exclude<View, 'help'>;
  filter: ListFilter;
  searching: boolean;
  /** By key, so a re-check keeps it on the same row; by position when that row went away. */
  selection: { key?: string; index: number };
  /** The row open in the detail view, as it was when opened (it may resolve meanwhile). */
  opened?: SelectableRow;
  detailOffset: number;
  /** The fix command `c` copies. */
  selectedCommand: number;
  message?: string;
  /** The run (session.completedRuns) whose partial view the user left for the full report with Esc. */
  leftPartialAt?: number;
  /** The change selected in the timeline (`t`), and the view `t` or Esc returns to. */
  timelineIndex: number;
  timelineReturn: 'list' | 'detail';
}

export const INITIAL_UI: UiState = { view: 'list', helpReturn: 'list', filter: NO_FILTER, searching: false, selection: { index: 0 }, detailOffset: 0, selectedCommand: 0, timelineIndex: 0, timelineReturn: 'list' };

/** What the UI asks of the outside world; App.tsx carries them out. */
export type Effect = { type: 'quit'; print: string[] } | { type: 'copy'; text: string } | { type: 'run'; only?: string[] };

/** The keys ink reports that the UI reads. */
export type KeyFlags = Partial<Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'ctrl' | 'shift' | 'tab' | 'backspace' | 'delete' | 'meta'>>;

/** The screen as the state and the session make it: what App.tsx draws and what the keys act on. */
export interface Screen {
  /** The report whose rows are listed: in a partial view, the last full one. */
  report?: Report;
  /** Set while `R`'s result is shown: which checks were re-checked, in what. */
  partial?: PartialView;
  rows: ListRow[];
  selectable: SelectableRow[];
  selected?: SelectableRow;
  /** Index into `rows` of the selected row, -1 when none. */
  selectedRow: number;
  /** The opened row, refreshed from the latest report. */
  current?: SelectableRow;
  resolvedWhileOpen: boolean;
  lines: DetailLine[];
  bodyHeight: number;
  detailHeight: number;
  bannerMax: number;
  newKeys: ReadonlySet<string>;
  /** Runs finished so far: leaving a partial view is remembered for the run that made it. */
  completedRuns: number;
  /** The report's change history as the timeline shows it; absent without one. */
  timeline?: Timeline;
}

/** Rows above and below the body: header (3), run line, status line, key hints. */
const CHROME_LINES = 3 + 1 + 1 + 1;

export function screenOf(ui: UiState, session: SessionState, size: TerminalSize): Screen {
  const partial = partialOf(ui, session);
  // Out of a partial view (Esc), the last full report as it was.
  const report = partial ? partial.full : (session.fullReport ?? session.report);
  const rows = partial ? partialRows(partial, ui.filter) : report ? listRows(report, ui.filter) : [];
  const selectable = selectableRows(rows);
  const index = selectionIndex(selectable.map(selectionKey), ui.selection);
  const selected = selectable[index];
  const selectedRow = selected ? rows.indexOf(selected) : -1;

  const current = ui.opened ? refreshed(ui.opened, rows, report, partial) : undefined;
  const resolvedWhileOpen = current !== undefined && isResolved(current, report, partial);
  const lines = !current || !report ? [] : current.kind === 'finding' ? detailLines(current.finding, report, size.columns) : checkDetailLines(current.check, partial?.narrowed ?? report, size.columns);

  const height = size.rows - 1;
  const bannerMax = height >= 30 ? 6 : 3;
  const change = session.lastChange;
  const bannerLines = change && ui.view !== 'help' ? Math.min(bannerMax, 1 + change.diff.resolved.length + change.diff.new.length) : 0;
  const resolvedLine = resolvedWhileOpen && ui.view === 'detail' ? 1 : 0;
  const bodyHeight = Math.max(3, height - CHROME_LINES - bannerLines - resolvedLine);
  const newKeys = new Set(change?.diff.new.map((f) => f.key) ?? []);
  const timeline = report ? timelineOf(report) : undefined;
  return { ...(report ? { report } : {}), ...(partial ? { partial } : {}), ...(timeline ? { timeline } : {}), rows, selectable, ...(selected ? { selected } : {}), selectedRow, ...(current ? { current } : {}), resolvedWhileOpen, lines, bodyHeight, detailHeight: bodyHeight, bannerMax, newKeys, completedRuns: session.completedRuns };
}

/** The partial view, while the report on screen is a narrowed re-check's and the user has not left it. */
function partialOf(ui: UiState, session: SessionState): PartialView | undefined {
  const only = session.lastChange?.only;
  if (!session.report || !session.fullReport || session.report === session.fullReport || !only) return undefined;
  if (ui.leftPartialAt === session.completedRuns) return undefined;
  return { full: session.fullReport, narrowed: session.report, only };
}

function refreshed(opened: SelectableRow, rows: ListRow[], report: Report | undefined, partial: PartialView | undefined): SelectableRow {
  if (opened.kind === 'check') {
    const check = (partial?.only.includes(opened.check.id) ? partial.narrowed : report)?.checks.find((c) => c.id === opened.check.id);
    return check ? { kind: 'check', check } : opened;
  }
  const row = rows.find((r) => r.kind === 'finding' && r.finding.key === opened.finding.key);
  if (row && row.kind === 'finding') return row;
  const finding = report?.findings.find((f) => f.key === opened.finding.key) ?? partial?.narrowed.findings.find((f) => f.key === opened.finding.key);
  return finding ? { ...opened, finding } : opened;
}

function isResolved(row: SelectableRow, report: Report | undefined, partial: PartialView | undefined): boolean {
  if (row.kind === 'check' || !report) return false;
  if (row.recheck === 'resolved') return true;
  const key = row.finding.key;
  return !report.findings.some((f) => f.key === key) && !(partial?.narrowed.findings.some((f) => f.key === key) ?? false);
}

function selectionIndex(keys: string[], selection: { key?: string; index: number }): number {
  if (keys.length === 0) return -1;
  const byKey = selection.key ? keys.indexOf(selection.key) : -1;
  return byKey !== -1 ? byKey : Math.min(selection.index, keys.length - 1);
}

/** One key press: the next state and what to do outside. */
export function reduceKey(ui: UiState, session: SessionState, size: TerminalSize, input: string, key: KeyFlags): { ui: UiState; effects: Effect[] } {
  if (ui.searching) return { ui: searchKey(ui, input, key), effects: [] };
  const screen = screenOf(ui, session, size);
  const state: UiState = withoutMessage(ui);
  if (input === 'q' || (key.ctrl && input === 'c')) return { ui: state, effects: [{ type: 'quit', print: [] }] };
  if (state.view === 'help') return { ui: input === '?' || key.escape ? { ...state, view: state.helpReturn } : state, effects: [] };
  if (input === '?') return { ui: { ...state, helpReturn: state.view, view: 'help' }, effects: [] };
  if (input === 'r') return { ui: state, effects: [{ type: 'run' }] };
  if (input === 'R') {
    const row = state.view === 'detail' ? screen.current : screen.selected;
    const check = row?.kind === 'finding' ? row.finding.check : row?.check.id;
    if (check) return { ui: state, effects: [{ type: 'run', only: [check] }] };
    return { ui: { ...state, message: 'Select a finding to re-check its check.' }, effects: [] };
  }
  if (state.view === 'timeline') return timelineKey(state, screen, input, key);
  if (input === 't') {
    if (!screen.timeline) return { ui: { ...state, message: 'No change history in this report (--no-change-history, or no root cause to look up).' }, effects: [] };
    return { ui: { ...state, view: 'timeline', timelineReturn: state.view, timelineIndex: Math.min(state.timelineIndex, Math.max(0, screen.timeline.entries.length - 1)) }, effects: [] };
  }
  return state.view === 'list' ? listKey(state, screen, input, key) : detailKey(state, screen, input, key);
}

/** The timeline: move over the changes; Enter opens the first finding the selected one touches; t or Esc goes back. */
function timelineKey(ui: UiState, screen: Screen, input: string, key: KeyFlags): { ui: UiState; effects: Effect[] } {
  const entries = screen.timeline?.entries ?? [];
  const to = (next: UiState) => ({ ui: next, effects: [] });
  const select = (index: number) => to({ ...ui, timelineIndex: Math.max(0, Math.min(entries.length - 1, index)) });
  if (input === 't' || key.escape || key.leftArrow || input === 'h') return to({ ...ui, view: ui.timelineReturn });
  if (key.upArrow || input === 'k') return select(ui.timelineIndex - 1);
  if (key.downArrow || input === 'j') return select(ui.timelineIndex + 1);
  if (key.home || input === 'g') return select(0);
  if (key.end || input === 'G') return select(entries.length - 1);
  if (key.return || key.rightArrow || input === 'l') {
    const touched = entries[ui.timelineIndex]?.touches[0];
    const finding = touched ? screen.report?.findings.find((f) => f.key === touched.key) : undefined;
    if (!finding) return to({ ...ui, message: 'This change touches no finding of the report on screen.' });
    const row = screen.selectable.find((r) => r.kind === 'finding' && r.finding.key === finding.key) ?? { kind: 'finding' as const, finding };
    return to({ ...ui, view: 'detail', opened: row, detailOffset: 0, selectedCommand: 0, timelineReturn: 'list' });
  }
  return to(ui);
}

function withoutMessage(ui: UiState): UiState {
  const { message: _cleared, ...rest } = ui;
  return rest;
}

function searchKey(ui: UiState, input: string, key: KeyFlags): UiState {
  if (key.escape) return { ...ui, searching: false, filter: { ...ui.filter, query: '' } };
  if (key.return) return { ...ui, searching: false };
  if (key.backspace || key.delete) return { ...ui, filter: { ...ui.filter, query: ui.filter.query.slice(0, -1) } };
  if (input && !key.ctrl && !key.meta) return { ...ui, filter: { ...ui.filter, query: ui.filter.query + input }, selection: { index: 0 } };
  return ui;
}

function move(ui: UiState, screen: Screen, delta: number | 'first' | 'last'): UiState {
  const keys = screen.selectable.map(selectionKey);
  if (keys.length === 0) return ui;
  const from = selectionIndex(keys, ui.selection);
  const to = delta === 'first' ? 0 : delta === 'last' ? keys.length - 1 : from + delta;
  const index = Math.max(0, Math.min(keys.length - 1, to));
  return { ...ui, selection: { key: keys[index]!, index } };
}

const NO_COMMAND_ON_A_CHECK = 'A check that could not run has no fix command; its detail says what would let it run.';

function copyCommand(ui: UiState, row: SelectableRow | undefined, index: number): { ui: UiState; effects: Effect[] } {
  if (row?.kind === 'check') return { ui: { ...ui, message: NO_COMMAND_ON_A_CHECK }, effects: [] };
  const command = row ? allFixCommands(row.finding.fix)[index] : undefined;
  if (!command) return { ui: { ...ui, message: 'This finding has no fix command to copy.' }, effects: [] };
  return { ui: { ...ui, message: `Copied (OSC 52; if your terminal ignores it, p prints it on exit): ${command}` }, effects: [{ type: 'copy', text: command }] };
}

function printAndQuit(ui: UiState, commands: string[], none = 'No fix commands to print.'): { ui: UiState; effects: Effect[] } {
  if (commands.length === 0) return { ui: { ...ui, message: none }, effects: [] };
  return { ui, effects: [{ type: 'quit', print: commands }] };
}

function listKey(ui: UiState, screen: Screen, input: string, key: KeyFlags): { ui: UiState; effects: Effect[] } {
  const page = Math.max(1, screen.bodyHeight - 2);
  const to = (next: UiState) => ({ ui: next, effects: [] });
  if (key.upArrow || input === 'k') return to(move(ui, screen, -1));
  if (key.downArrow || input === 'j') return to(move(ui, screen, 1));
  if (key.pageUp) return to(move(ui, screen, -page));
  if (key.pageDown || input === ' ') return to(move(ui, screen, page));
  if (key.home || input === 'g') return to(move(ui, screen, 'first'));
  if (key.end || input === 'G') return to(move(ui, screen, 'last'));
  if (key.return || key.rightArrow || input === 'l') {
    if (!screen.selected) return to(ui);
    return to({ ...ui, view: 'detail', opened: screen.selected, detailOffset: 0, selectedCommand: 0 });
  }
  if (input.startsWith('/')) {
    // Over a slow link (or pasted) "/term" arrives as one chunk: open the search with the term typed.
    const typed = input.slice(1);
    return to({ ...ui, searching: true, ...(typed ? { filter: { ...ui.filter, query: ui.filter.query + typed }, selection: { index: 0 } } : {}) });
  }
  if (input === 's') return to({ ...ui, filter: cycleSeverity(ui.filter), selection: { index: 0 } });
  if (input === 'f' && screen.report) return to({ ...ui, filter: cycleCheck(ui.filter, checksWithFindings(screen.report)), selection: { index: 0 } });
  if (key.escape && filterActive(ui.filter)) return to({ ...ui, filter: NO_FILTER });
  if (key.escape && screen.partial) return to({ ...ui, leftPartialAt: screen.completedRuns });
  if (input === 'c') return copyCommand(ui, screen.selected, 0);
  if (input === 'p') return screen.selected?.kind === 'check' ? to({ ...ui, message: NO_COMMAND_ON_A_CHECK }) : printAndQuit(ui, screen.selected?.finding.fix.commands ?? []);
  if (input === 'P') return printAndQuit(ui, findingRows(screen.rows).flatMap((r) => r.finding.fix.commands));
  return to(ui);
}

function detailKey(ui: UiState, screen: Screen, input: string, key: KeyFlags): { ui: UiState; effects: Effect[] } {
  const page = Math.max(1, screen.bodyHeight - 2);
  const height = screen.detailHeight;
  const lines = screen.lines;
  const scroll = (next: (offset: number) => number): UiState => ({ ...ui, detailOffset: Math.max(0, Math.min(maxDetailOffset(lines, height), next(ui.detailOffset))) });
  const to = (next: UiState) => ({ ui: next, effects: [] });
  const current = screen.current;
  // Tab and c move over the commands of every way; p prints the steps of the selected command's way only.
  const commands = current?.kind === 'finding' ? allFixCommands(current.finding.fix) : [];
  if (key.escape || key.leftArrow || input === 'h' || key.backspace || key.delete) {
    const { opened: _closed, ...rest } = ui;
    return to({ ...rest, view: 'list' });
  }
  if (key.upArrow || input === 'k') return to(scroll((o) => o - 1));
  if (key.downArrow || input === 'j') return to(scroll((o) => o + 1));
  if (key.pageUp) return to(scroll((o) => o - page));
  if (key.pageDown || input === ' ') return to(scroll((o) => o + page));
  if (key.home || input === 'g') return to(scroll(() => 0));
  if (key.end || input === 'G') return to(scroll(() => lines.length));
  if (input === 'f') {
    const fix = fixLineIndex(lines);
    return to(fix === -1 ? { ...ui, message: 'A check that could not run has no FIX; TO LET IT RUN says what would.' } : scroll(() => scrolledIndex(lines, fix)));
  }
  if (key.tab && commands.length > 0) {
    const next = (ui.selectedCommand + (key.shift ? commands.length - 1 : 1)) % commands.length;
    const line = scrolledIndex(lines, commandLineIndex(lines, next));
    const selected = { ...ui, selectedCommand: next };
    return to(line < ui.detailOffset || line >= ui.detailOffset + height - 3 ? { ...selected, detailOffset: scroll(() => line - 1).detailOffset } : selected);
  }
  if (input === 'c') return copyCommand(ui, current, ui.selectedCommand);
  if (input === 'p') return current?.kind === 'check' ? to({ ...ui, message: NO_COMMAND_ON_A_CHECK }) : printAndQuit(ui, current ? fixWayOfCommand(current.finding.fix, ui.selectedCommand).commands : []);
  return to(ui);
}

function cycleSeverity(filter: ListFilter): ListFilter {
  const order = [undefined, ...SEVERITIES];
  const next = order[(order.indexOf(filter.severity) + 1) % order.length];
  const { severity: _old, ...rest } = filter;
  return next ? { ...rest, severity: next } : rest;
}

function cycleCheck(filter: ListFilter, checks: string[]): ListFilter {
  const order = [undefined, ...checks];
  const next = order[(order.indexOf(filter.check) + 1) % order.length];
  const { check: _old, ...rest } = filter;
  return next ? { ...rest, check: next } : rest;
}
