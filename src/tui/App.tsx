import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { SEVERITIES, type Finding } from '../engine/finding.js';
import type { DiagnosisRunner, ProgressEvent } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import { summaryLine } from '../render/sections.js';
import { ChangesBanner } from './ChangesBanner.js';
import { commandLineIndex, detailLines } from './detail-lines.js';
import { FindingDetail, maxDetailOffset, scrolledIndex } from './FindingDetail.js';
import { FindingList } from './FindingList.js';
import { Header } from './Header.js';
import { HelpView } from './HelpView.js';
import { KeyHints } from './KeyHints.js';
import { progressCounts } from './progress-state.js';
import { ProgressView } from './ProgressView.js';
import { checksWithFindings, filterActive, findingRows, listRows, NO_FILTER, type ListFilter } from './rows.js';
import { INITIAL_SESSION, sessionReducer } from './session.js';
import { Spinner } from './Spinner.js';
import { StatusLine } from './StatusLine.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';

/** How the UI ended: the report that earns the exit code, and fix commands to print once it closed. */
export interface QuitOutcome {
  fullReport?: Report;
  print: string[];
}

export interface AppProps {
  runner: DiagnosisRunner;
  /** What is being diagnosed, for the header until the first report names the cluster. */
  target: string;
  /** Re-check everything this often (--watch). */
  watchSeconds?: number;
  /** Fixed size for tests; the terminal's otherwise. */
  size?: TerminalSize;
  /** Puts text on the clipboard (OSC 52 in a terminal). */
  copy: (text: string) => void;
  onQuit: (outcome: QuitOutcome) => void;
}

type View = 'list' | 'detail' | 'help';

const PROGRESS_INTERVAL_MS = 50;

/** The interactive UI: runs the diagnosis, shows it, and re-runs it on `r` or on the --watch timer. */
export function App({ runner, target, watchSeconds, size, copy, onQuit }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: terminalRows } = useTerminalSize(size);
  const [session, dispatch] = useReducer(sessionReducer, INITIAL_SESSION);
  const [view, setView] = useState<View>('list');
  const [helpReturn, setHelpReturn] = useState<View>('list');
  const [filter, setFilter] = useState<ListFilter>(NO_FILTER);
  const [searching, setSearching] = useState(false);
  const [selection, setSelection] = useState<{ key?: string; index: number }>({ index: 0 });
  const selectionNow = useRef<{ key?: string; index: number }>({ index: 0 });
  const [opened, setOpened] = useState<Finding | undefined>();
  const [detailOffset, setDetailOffset] = useState(0);
  const [selectedCommand, setSelectedCommand] = useState(0);
  const [message, setMessage] = useState<string | undefined>();
  const running = useRef(false);

  const startRun = useCallback(
    (only?: string[]) => {
      if (running.current) return;
      running.current = true;
      dispatch({ type: 'run-start', ...(only ? { only } : {}) });
      // Progress events come in bursts (a snapshot's checks finish within milliseconds of each
      // other); one render per event would cost more than the diagnosis on a busy machine. They are
      // handed to React together, at most every PROGRESS_INTERVAL_MS, and at the end of the run.
      let pending: ProgressEvent[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (pending.length === 0) return;
        dispatch({ type: 'progress', events: pending });
        pending = [];
      };
      const onEvent = (event: ProgressEvent) => {
        pending.push(event);
        timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
      };
      runner({ onEvent, ...(only ? { only } : {}) }).then(
        (report) => {
          running.current = false;
          flush();
          dispatch({ type: 'run-end', report, at: new Date() });
        },
        (error: unknown) => {
          running.current = false;
          flush();
          dispatch({ type: 'run-failed', message: errorText(error) });
        },
      );
    },
    [runner],
  );

  useEffect(() => startRun(), [startRun]);

  const secondsToWatch = useWatch(watchSeconds, session.running, session.completedRuns, startRun);

  const report = session.report;
  const rows = useMemo(() => (report ? listRows(report, filter) : []), [report, filter]);
  const findings = findingRows(rows);
  const selectedIndex = selectionIndex(findings.map((r) => r.finding.key), selection);
  const selected = findings[selectedIndex]?.finding;
  const selectedRow = selected ? rows.findIndex((r) => r.kind === 'finding' && r.finding.key === selected.key) : -1;
  const newKeys = useMemo(() => new Set(session.lastChange?.diff.new.map((f) => f.key) ?? []), [session.lastChange]);

  const current = opened ? (report?.findings.find((f) => f.key === opened.key) ?? opened) : undefined;
  const resolvedWhileOpen = opened !== undefined && report !== undefined && !report.findings.some((f) => f.key === opened.key);
  const lines = useMemo(() => (current && report ? detailLines(current, report, columns) : []), [current, report, columns]);

  // Height left for the body: header 3 lines, run line, banner, status line, key hints.
  const height = terminalRows - 1;
  const bannerMax = height >= 30 ? 6 : 3;
  const change = session.lastChange;
  const bannerLines = change ? Math.min(bannerMax, 1 + change.diff.resolved.length + change.diff.new.length) : 0;
  const bodyHeight = Math.max(3, height - 3 - 1 - bannerLines - 1 - 1 - (resolvedWhileOpen && view === 'detail' ? 1 : 0));

  const quit = (print: string[] = []) => {
    onQuit({ ...(session.fullReport ? { fullReport: session.fullReport } : {}), print });
    exit();
  };

  /**
   * Keys can arrive faster than React renders (tmux send-keys, a paste, key repeat): `j` then
   * `Enter` must open the row `j` moved to. So the selection is also kept in a ref that key
   * handlers read and write at once; the state only triggers the render.
   */
  const select = (next: { key?: string; index: number }) => {
    selectionNow.current = next;
    setSelection(next);
  };
  const selectedNow = (): Finding | undefined => findings[selectionIndex(findings.map((r) => r.finding.key), selectionNow.current)]?.finding;

  const move = (delta: number | 'first' | 'last') => {
    const keys = findings.map((r) => r.finding.key);
    if (keys.length === 0) return;
    const from = selectionIndex(keys, selectionNow.current);
    const to = delta === 'first' ? 0 : delta === 'last' ? keys.length - 1 : from + delta;
    const index = Math.max(0, Math.min(keys.length - 1, to));
    select({ key: keys[index], index });
  };

  const open = () => {
    const selected = selectedNow();
    if (!selected) return;
    setOpened(selected);
    setDetailOffset(0);
    setSelectedCommand(0);
    setView('detail');
  };

  const detailHeight = bodyHeight - (resolvedWhileOpen ? 1 : 0);
  const scroll = (to: (offset: number) => number) => setDetailOffset((offset) => Math.max(0, Math.min(maxDetailOffset(lines, detailHeight), to(offset))));

  const copyCommand = (finding: Finding | undefined, index: number) => {
    const command = finding?.fix.commands[index];
    if (!command) {
      setMessage('This finding has no fix command to copy.');
      return;
    }
    copy(command);
    setMessage(`Copied (OSC 52; if your terminal ignores it, p prints it on exit): ${command}`);
  };

  const printAndQuit = (commands: string[]) => {
    if (commands.length === 0) {
      setMessage('No fix commands to print.');
      return;
    }
    quit(commands);
  };

  const onSearchKey = (input: string, key: Key) => {
    if (key.escape) {
      setSearching(false);
      setFilter((f) => ({ ...f, query: '' }));
    } else if (key.return) {
      setSearching(false);
    } else if (key.backspace || key.delete) {
      setFilter((f) => ({ ...f, query: f.query.slice(0, -1) }));
    } else if (input && !key.ctrl && !key.meta) {
      setFilter((f) => ({ ...f, query: f.query + input }));
      select({ index: 0 });
    }
  };

  const onListKey = (input: string, key: Key) => {
    const page = Math.max(1, bodyHeight - 2);
    if (key.upArrow || input === 'k') move(-1);
    else if (key.downArrow || input === 'j') move(1);
    else if (key.pageUp) move(-page);
    else if (key.pageDown || input === ' ') move(page);
    else if (key.home || input === 'g') move('first');
    else if (key.end || input === 'G') move('last');
    else if (key.return || key.rightArrow || input === 'l') open();
    else if (input.startsWith('/')) {
      // Over a slow link (or pasted) "/term" arrives as one chunk: open the search with the term typed.
      setSearching(true);
      if (input.length > 1) {
        setFilter((f) => ({ ...f, query: f.query + input.slice(1) }));
        select({ index: 0 });
      }
    } else if (input === 's') {
      setFilter((f) => cycleSeverity(f));
      select({ index: 0 });
    } else if (input === 'f' && report) {
      setFilter((f) => cycleCheck(f, checksWithFindings(report)));
      select({ index: 0 });
    } else if (key.escape && filterActive(filter)) {
      setFilter(NO_FILTER);
    } else if (input === 'c') copyCommand(selectedNow(), 0);
    else if (input === 'p') printAndQuit(selectedNow()?.fix.commands ?? []);
    else if (input === 'P') printAndQuit(findings.flatMap((r) => r.finding.fix.commands));
  };

  const onDetailKey = (input: string, key: Key) => {
    const page = Math.max(1, bodyHeight - 2);
    if (key.escape || key.leftArrow || input === 'h' || key.backspace || key.delete) {
      setView('list');
      setOpened(undefined);
    } else if (key.upArrow || input === 'k') scroll((o) => o - 1);
    else if (key.downArrow || input === 'j') scroll((o) => o + 1);
    else if (key.pageUp) scroll((o) => o - page);
    else if (key.pageDown || input === ' ') scroll((o) => o + page);
    else if (key.home || input === 'g') scroll(() => 0);
    else if (key.end || input === 'G') scroll(() => lines.length);
    else if (key.tab && current && current.fix.commands.length > 0) {
      const next = (selectedCommand + (key.shift ? current.fix.commands.length - 1 : 1)) % current.fix.commands.length;
      setSelectedCommand(next);
      const line = scrolledIndex(lines, commandLineIndex(lines, next));
      if (line < detailOffset || line >= detailOffset + detailHeight - 3) scroll(() => line - 1);
    } else if (input === 'c') copyCommand(current, selectedCommand);
    else if (input === 'p') printAndQuit(current?.fix.commands ?? []);
  };

  const onKey = (input: string, key: Key) => {
    if (searching) {
      onSearchKey(input, key);
      return;
    }
    setMessage(undefined);
    if (input === 'q' || (key.ctrl && input === 'c')) {
      quit();
      return;
    }
    if (view === 'help') {
      if (input === '?' || key.escape) setView(helpReturn);
      return;
    }
    if (input === '?') {
      setHelpReturn(view);
      setView('help');
      return;
    }
    if (input === 'r') {
      startRun();
      return;
    }
    if (input === 'R') {
      const check = view === 'detail' ? current?.check : selectedNow()?.check;
      if (check) startRun([check]);
      else setMessage('Select a finding to re-check its check.');
      return;
    }
    if (view === 'list') onListKey(input, key);
    else onDetailKey(input, key);
  };
  // ink subscribes a handler in an effect, after the frame is on screen: keys typed in between
  // (tmux send-keys, a paste, a fast typist) would meet the previous render's handler and state.
  // One stable subscription that calls the latest handler avoids that.
  const latestOnKey = useRef(onKey);
  latestOnKey.current = onKey;
  useInput(useCallback((input: string, key: Key) => latestOnKey.current(input, key), []));

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header {...(report ? { report } : {})} target={target} />
      <RunLine session={session} />
      {change && view !== 'help' ? <ChangesBanner change={change} maxLines={bannerMax} /> : null}
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {view === 'help' ? (
          <HelpView height={bodyHeight} {...(watchSeconds ? { watchSeconds } : {})} />
        ) : !report ? (
          session.runError ? (
            <Text wrap="wrap">The diagnosis failed: {session.runError}{'\n'}Press r to try again, q to quit.</Text>
          ) : (
            <ProgressView progress={session.progress} height={bodyHeight} />
          )
        ) : view === 'detail' && current ? (
          <Box flexDirection="column">
            {resolvedWhileOpen ? <Text bold>RESOLVED at the last re-check: this is how it was.</Text> : null}
            <FindingDetail lines={lines} offset={detailOffset} height={detailHeight} selectedCommand={selectedCommand} />
          </Box>
        ) : rows.length === 0 ? (
          <Text>{filterActive(filter) ? 'No finding matches the filter. Esc clears it.' : 'No problems found.'}</Text>
        ) : (
          <FindingList rows={rows} selectedRow={selectedRow} height={bodyHeight} newKeys={newKeys} width={columns} />
        )}
      </Box>
      <StatusLine filter={filter} searching={searching} {...(message ? { message } : {})} {...(session.runError && report ? { error: session.runError } : {})} {...(secondsToWatch !== undefined ? { secondsToWatch } : {})} />
      <KeyHints view={view} />
    </Box>
  );
}

/** The state of the diagnosis in one line: a spinner while a re-check runs, else the summary. */
function RunLine({ session }: { session: ReturnType<typeof sessionReducer> }) {
  if (session.running && session.report) {
    const counts = progressCounts(session.progress);
    return (
      <Text wrap="truncate-end">
        <Spinner /> Re-checking {session.only ? `check ${session.only.join(', ')}` : 'all checks'}: checks {counts.checksDone}/{counts.checks}
        {counts.steps > 0 ? `, collected ${counts.stepsDone}/${counts.steps}` : ''}
      </Text>
    );
  }
  // The first run has the whole progress view below; this line says what the keys do meanwhile.
  if (!session.report) return <Text dimColor wrap="truncate-end">{session.running ? 'The results appear below as soon as the checks finish; q quits.' : ' '}</Text>;
  const narrowed = session.report !== session.fullReport ? ` (only check ${session.only?.join(', ') ?? ''}; r re-checks all)` : '';
  return (
    <Text wrap="truncate-end">
      {summaryLine(session.report)}
      {narrowed}
    </Text>
  );
}

/** The selection by key, so a re-check keeps it on the same finding; by position when that went away. */
function selectionIndex(keys: string[], selection: { key?: string; index: number }): number {
  if (keys.length === 0) return -1;
  const byKey = selection.key ? keys.indexOf(selection.key) : -1;
  return byKey !== -1 ? byKey : Math.min(selection.index, keys.length - 1);
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

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as Error & { hint?: unknown }).hint;
    return typeof hint === 'string' ? `${error.message} (${hint})` : error.message;
  }
  return String(error);
}

/**
 * --watch: starts a full re-check `seconds` after the last run ended, and says how long is left,
 * once a second, so the screen shows it is alive.
 */
function useWatch(seconds: number | undefined, running: boolean, completedRuns: number, startRun: () => void): number | undefined {
  const [left, setLeft] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (!seconds || running || completedRuns === 0) {
      setLeft(undefined);
      return;
    }
    const due = Date.now() + seconds * 1000;
    setLeft(Math.ceil(seconds));
    const ticker = setInterval(() => setLeft(Math.max(0, Math.ceil((due - Date.now()) / 1000))), 1000);
    const timer = setTimeout(() => startRun(), seconds * 1000);
    return () => {
      clearInterval(ticker);
      clearTimeout(timer);
    };
  }, [seconds, running, completedRuns, startRun]);
  return left;
}
