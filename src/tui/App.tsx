import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { DiagnosisRunner, ProgressEvent } from '../engine/progress.js';
import type { Report } from '../engine/report.js';
import { ChangesBanner } from './ChangesBanner.js';
import { firstThatFits, fittedSummary } from './fit-text.js';
import { FindingDetail } from './FindingDetail.js';
import { FindingList } from './FindingList.js';
import { Header } from './Header.js';
import { HelpView } from './HelpView.js';
import { KeyHints } from './KeyHints.js';
import { progressCounts } from './progress-state.js';
import { ProgressView } from './ProgressView.js';
import { filterActive } from './rows.js';
import { INITIAL_SESSION, sessionReducer, type SessionState } from './session.js';
import { Spinner } from './Spinner.js';
import { StatusLine } from './StatusLine.js';
import { Timeline } from './Timeline.js';
import { INITIAL_UI, reduceKey, screenOf, type Screen, type UiState } from './ui-state.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import type { WaitLimits } from './waiting.js';

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
  /** --call-timeout and --timeout, to count down a call that waits (an API server that does not answer). */
  waitLimits?: WaitLimits;
  /** Puts text on the clipboard (OSC 52 in a terminal). */
  copy: (text: string) => void;
  onQuit: (outcome: QuitOutcome) => void;
}

const PROGRESS_INTERVAL_MS = 50;

/** The interactive UI: runs the diagnosis, shows it, and re-runs it on `r` or on the --watch timer. */
export function App({ runner, target, watchSeconds, size, waitLimits, copy, onQuit }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: terminalRows } = useTerminalSize(size);
  const [session, dispatch] = useReducer(sessionReducer, INITIAL_SESSION);
  const terminalSize = { columns, rows: terminalRows };
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  const uiNow = useRef(ui);
  const sessionNow = useRef(session);
  sessionNow.current = session;
  const sizeNow = useRef(terminalSize);
  sizeNow.current = terminalSize;
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
        dispatch({ type: 'progress', events: pending, at: Date.now() });
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

  const now = useClock(session.running && !session.report);
  const secondsToWatch = useWatch(watchSeconds, session.running, session.completedRuns, startRun);
  const screen = screenOf(ui, session, terminalSize);
  const { report, rows, current } = screen;
  const height = terminalRows - 1;
  const change = session.lastChange;

  const quit = (print: string[] = []) => {
    onQuit({ ...(session.fullReport ? { fullReport: session.fullReport } : {}), print });
    exit();
  };

  /**
   * Keys can arrive faster than React renders (tmux send-keys, a paste, key repeat): `j` then
   * `Enter` must open the row `j` moved to. So the UI state is also kept in a ref that the key
   * handler reads and writes at once; the state only triggers the render.
   */
  const onKey = (input: string, key: Key) => {
    const next = reduceKey(uiNow.current, sessionNow.current, sizeNow.current, input, key);
    uiNow.current = next.ui;
    setUi(next.ui);
    for (const effect of next.effects) {
      if (effect.type === 'quit') quit(effect.print);
      else if (effect.type === 'copy') copy(effect.text);
      else startRun(effect.only);
    }
  };
  // ink subscribes a handler in an effect, after the frame is on screen: keys typed in between
  // (tmux send-keys, a paste, a fast typist) would meet the previous render's handler and state.
  // One stable subscription that calls the latest handler avoids that.
  const latestOnKey = useRef(onKey);
  latestOnKey.current = onKey;
  useInput(useCallback((input: string, key: Key) => latestOnKey.current(input, key), []));

  const { view, filter, message } = ui;
  const { bodyHeight } = screen;
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header {...(report ? { report } : {})} target={target} />
      <RunLine session={session} screen={screen} width={columns} />
      {change && view !== 'help' ? <ChangesBanner change={change} maxLines={screen.bannerMax} /> : null}
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {view === 'help' ? (
          <HelpView height={bodyHeight} {...(watchSeconds ? { watchSeconds } : {})} />
        ) : !report ? (
          session.runError ? (
            <Text wrap="wrap">The diagnosis failed: {session.runError}{'\n'}Press r to try again, q to quit.</Text>
          ) : (
            <ProgressView progress={session.progress} height={bodyHeight} now={now} {...(waitLimits ? { limits: waitLimits } : {})} />
          )
        ) : view === 'timeline' && screen.timeline ? (
          <Timeline timeline={screen.timeline} selected={ui.timelineIndex} height={bodyHeight} />
        ) : view === 'detail' && current ? (
          <Box flexDirection="column">
            {screen.resolvedWhileOpen ? <Text bold>RESOLVED at the last re-check: this is how it was.</Text> : null}
            <FindingDetail lines={screen.lines} offset={ui.detailOffset} height={screen.detailHeight} selectedCommand={ui.selectedCommand} />
          </Box>
        ) : rows.length === 0 ? (
          <Text>{filterActive(filter) ? 'No finding matches the filter. Esc clears it.' : 'No problems found.'}</Text>
        ) : (
          <FindingList rows={rows} selectedRow={screen.selectedRow} height={bodyHeight} newKeys={screen.newKeys} width={columns} />
        )}
      </Box>
      <StatusLine filter={filter} searching={ui.searching} {...(message ? { message } : {})} {...(session.runError && report ? { error: session.runError } : {})} {...(secondsToWatch !== undefined ? { secondsToWatch } : {})} />
      <KeyHints view={view} width={columns} />
    </Box>
  );
}

/**
 * The state of the diagnosis in one line: a spinner while a re-check runs; in a partial view, that
 * it is partial and the key back; else the summary, fitted to the width.
 */
function RunLine({ session, screen, width }: { session: SessionState; screen: Screen; width: number }) {
  if (session.running && session.report) {
    const counts = progressCounts(session.progress);
    const what = session.only ? `check ${session.only.join(', ')}` : 'all checks';
    const done = counts.checks > 0 ? `checks ${counts.checksDone}/${counts.checks}` : `collected ${counts.stepsDone}/${counts.steps}`;
    return (
      <Text wrap="truncate-end">
        <Spinner /> {firstThatFits([`Re-checking ${what}: ${done}`, `Re-checking: ${done}`], width - 2)}
      </Text>
    );
  }
  // The first run has the whole progress view below; this line says what the keys do meanwhile.
  if (!session.report) return <Text dimColor wrap="truncate-end">{session.running ? 'The results appear below as soon as the checks finish; q quits.' : ' '}</Text>;
  if (screen.partial) {
    const only = screen.partial.only.join(', ');
    const at = session.lastChange ? ` at ${clock(session.lastChange.at)}` : '';
    return (
      <Text bold wrap="truncate-end">
        {firstThatFits(
          [
            `PARTIAL VIEW: only ${only} re-checked${at} · Esc full view · r re-check all`,
            `PARTIAL: only ${only} re-checked · Esc full view · r re-check all`,
            `PARTIAL: ${only} · Esc full view · r all`,
            'PARTIAL · Esc full view · r all',
          ],
          width,
        )}
      </Text>
    );
  }
  const older = session.report !== session.fullReport ? ' (the last full run; r re-checks all)' : '';
  return <Text wrap="truncate-end">{firstThatFits([`${fittedSummary(session.fullReport ?? session.report, width - older.length)}${older}`, fittedSummary(session.fullReport ?? session.report, width)], width)}</Text>;
}

function clock(at: Date): string {
  return at.toTimeString().slice(0, 8);
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

/** The time, once a second while `ticking`: how long a call has waited moves on screen. */
function useClock(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const ticker = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(ticker);
  }, [ticking]);
  return now;
}
