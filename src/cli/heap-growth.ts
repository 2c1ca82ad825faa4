/**
 * How far V8 lets the heap grow past what was live at the last full collection, set by eks-doctor
 * itself so that no user needs a heap flag. V8 picks a growing factor of up to 4 when collecting is
 * cheap next to the program's own work (V8's heap-controller), and a diagnosis of a big cluster
 * makes mostly short-lived garbage (every list page parsed, projected and dropped; the checks'
 * intermediate maps): at 20,000 nodes the heap was let grow from 161 MB live to 590 MB before the
 * next full collection, and peak RSS reached 765 MB. A factor of 2 keeps the peak near twice
 * the live data (574 MB there, 247-259 MB instead of 276-317 MB at 5,000 nodes) for more, shorter
 * full collections (docs/performance.md).
 */
import { setFlagsFromString } from 'node:v8';

/** The factor as V8's flag spells it: 1 + percent / 100. */
export const HEAP_GROWING_PERCENT = 100;

/** V8 reads dashes and underscores alike. */
const SET_BY_USER = /--heap[-_]growing[-_]percent/;

/** Sets the factor unless the user set one (in NODE_OPTIONS or on node's command line). */
export function limitHeapGrowth(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => SET_BY_USER.test(arg)) || SET_BY_USER.test(env.NODE_OPTIONS ?? '')) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
