/**
 * How many hidden classes ("maps") V8 gave a set of objects. Objects built alike share one, and
 * code reading a field of them stays fast; when every object has its own, each read in a loop over
 * them goes through V8's slowest lookup path. V8-specific (Node's own engine): the natives syntax
 * is turned on for this one function only, compiled after the flag is set.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--allow-natives-syntax');
// %HaveSameMap parses only in a function compiled after the flag is set.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** The hidden classes among these objects (up to `limit`, past which it stops counting). */
export function hiddenClassCount(objects: readonly object[], limit = 50): number {
  const seen: object[] = [];
  for (const object of objects) {
    if (!seen.some((other) => haveSameMap(other, object))) seen.push(object);
    if (seen.length > limit) break;
  }
  return seen.length;
}

/** The layouts among these objects: which keys they have, in which order. Objects alike share a hidden class per layout. */
export function layoutCount(objects: readonly object[]): number {
  return new Set(objects.map((o) => Object.keys(o).join(','))).size;
}
