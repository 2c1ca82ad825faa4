import { Box, Text } from 'ink';
import type { CheckProgress, RunProgress, StepProgress } from './progress-state.js';
import { progressCounts, visibleChecks } from './progress-state.js';
import { Spinner } from './Spinner.js';
import { SeverityLabel, useColor } from './theme.js';
import { waitingText, type WaitLimits } from './waiting.js';

export type Entry = { kind: 'step'; step: StepProgress } | { kind: 'check'; check: CheckProgress };

/**
 * Each collection step and check with a spinner, then its result and duration, and the findings as
 * the checks that produce them finish. When the list outgrows the height, finished entries are
 * folded first: what is still running stays visible.
 */
export function ProgressView({ progress, height, now, limits }: { progress: RunProgress; height: number; now?: number; limits?: WaitLimits }) {
  const counts = progressCounts(progress);
  const found = counts.findings;
  const findingBudget = found.length === 0 ? 0 : Math.min(found.length + 1, Math.max(2, Math.floor(height / 3)));
  const all: Entry[] = [...progress.steps.map((step) => ({ kind: 'step' as const, step })), ...visibleChecks(progress).map((check) => ({ kind: 'check' as const, check }))];
  const { shown: entries, finishedHidden, runningHidden } = fitEntries(all, Math.max(1, height - 1 - findingBudget));
  const hidden = [finishedHidden > 0 ? `${finishedHidden} finished` : '', runningHidden > 0 ? `${runningHidden} more running` : ''].filter((t) => t !== '');
  // No "checks 0/0" while collecting: the checks start once the data they need is in.
  const summary =
    counts.checks === 0
      ? [counts.steps > 0 ? `collecting: ${counts.stepsDone} of ${counts.steps} reads done` : 'starting', 'the checks run once the data is in']
      : [counts.steps > 0 ? `collected ${counts.stepsDone}/${counts.steps}` : undefined, `checks ${counts.checksDone}/${counts.checks}`, `${found.length} finding${found.length === 1 ? '' : 's'} so far`].filter(
          (s) => s !== undefined,
        );
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Diagnosing: {summary.join(' · ')}
      </Text>
      {hidden.length > 0 ? <Text dimColor>  … {hidden.join(', ')} (not shown)</Text> : null}
      {entries.map((e) =>
        e.kind === 'step' ? (
          <StepLine key={`s:${e.step.name}`} step={e.step} waiting={now === undefined ? undefined : waitingText({ startedAt: e.step.startedAt, collectionStartedAt: progress.startedAt, now, ...(limits ? { limits } : {}) })} />
        ) : (
          <CheckLine key={`c:${e.check.id}`} check={e.check} />
        ),
      )}
      {findingBudget > 0 ? (
        <Box flexDirection="column">
          <Text bold>Found so far</Text>
          {found.slice(-(findingBudget - 1)).map((f) => (
            <Text key={f.key} wrap="truncate-end">
              {'  '}
              <SeverityLabel severity={f.severity} />
              {f.title}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

/**
 * What fits in `budget` lines, one of them saying what was left out: the oldest finished entries
 * go first; when even the running ones do not fit (a live collection starts dozens of calls at
 * once), the latest started are left out, counted.
 */
export function fitEntries(entries: Entry[], budget: number): { shown: Entry[]; finishedHidden: number; runningHidden: number } {
  if (entries.length <= budget) return { shown: entries, finishedHidden: 0, runningHidden: 0 };
  const room = Math.max(0, budget - 1);
  const running = (e: Entry) => (e.kind === 'step' ? e.step.status : e.check.status) === 'running';
  let excess = entries.length - room;
  let finishedHidden = 0;
  const kept = entries.filter((e) => {
    if (excess > 0 && !running(e)) {
      excess -= 1;
      finishedHidden += 1;
      return false;
    }
    return true;
  });
  const shown = kept.slice(0, room);
  return { shown, finishedHidden, runningHidden: kept.length - shown.length };
}

function StatusIcon({ status }: { status: string }) {
  const color = useColor();
  if (status === 'running') return <Spinner />;
  if (status === 'ok' || status === 'pass') return <Text color={color ? 'green' : undefined}>✓</Text>;
  if (status === 'skipped') return <Text dimColor>-</Text>;
  if (status === 'fail') return <Text color={color ? 'red' : undefined}>✗</Text>;
  return <Text color={color ? 'yellow' : undefined}>!</Text>;
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;
}

function StepLine({ step, waiting }: { step: StepProgress; waiting: string | undefined }) {
  const result = step.status === 'running' ? (waiting ?? 'reading…') : step.status === 'ok' ? duration(step.durationMs) : `failed: ${step.error ?? 'no reason given'}`;
  return (
    <Text wrap="truncate-end">
      {'  '}
      <StatusIcon status={step.status} /> collect {step.name} <Text dimColor>{result}</Text>
    </Text>
  );
}

function CheckLine({ check }: { check: CheckProgress }) {
  let result: string;
  if (check.status === 'running') result = 'checking…';
  else if (check.status === 'pass') result = `pass ${duration(check.durationMs)}`;
  else if (check.status === 'fail') result = `${check.findings.length} finding${check.findings.length === 1 ? '' : 's'} ${duration(check.durationMs)}`;
  else if (check.status === 'error') result = `could not run: ${check.reason ?? ''}`;
  else result = `skipped: ${check.reason ?? ''}`;
  return (
    <Text wrap="truncate-end">
      {'  '}
      <StatusIcon status={check.status} /> check {check.id} <Text dimColor>{result}</Text>
    </Text>
  );
}
