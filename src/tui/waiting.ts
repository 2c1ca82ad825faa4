/** How long a collection may wait: --call-timeout bounds each attempt, --timeout the whole collection. */
export interface WaitLimits {
  callTimeoutMs: number;
  timeoutSeconds: number;
}

/** Shown once a call has waited this long: quicker ones would only flicker. */
const SHOW_AFTER_MS = 1000;

/**
 * What a running call has waited and, when the limits are known, when it gives up: "waiting 4s,
 * gives up in 11s" (an API server that does not answer sits there until --call-timeout). Once past
 * the per-call limit (a retry), the collection's own deadline (--timeout) is the one left to count
 * down. Short: it follows the call's name on an 80-column line.
 */
export function waitingText(args: { startedAt?: number; collectionStartedAt?: number; now: number; limits?: WaitLimits }): string | undefined {
  const { startedAt, now, limits } = args;
  if (startedAt === undefined) return undefined;
  const waited = now - startedAt;
  if (waited < SHOW_AFTER_MS) return undefined;
  const seconds = (ms: number) => `${Math.max(0, Math.ceil(ms / 1000))}s`;
  const parts = [`waiting ${Math.floor(waited / 1000)}s`];
  if (limits) {
    const callLeft = limits.callTimeoutMs - waited;
    const collectionLeft = limits.timeoutSeconds * 1000 - (now - (args.collectionStartedAt ?? startedAt));
    if (callLeft > 0 && callLeft <= collectionLeft) parts.push(`gives up in ${seconds(callLeft)}`);
    else parts.push(`collection ends in ${seconds(collectionLeft)}`);
  }
  return parts.join(', ');
}
