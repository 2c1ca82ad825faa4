/**
 * An error caused by the user's input or environment: printed as one clear line (plus an optional
 * hint saying what to do next), never as a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The names closest to a mistyped one: those that contain it or that it contains, else those fewest
 * edits away (a swapped or missing letter), if only a few. For "did you mean" hints.
 */
export function closestNames(input: string, candidates: readonly string[], max = 3): string[] {
  const needle = input.toLowerCase();
  const scored = candidates.map((name) => {
    const lower = name.toLowerCase();
    const contains = lower.includes(needle) || needle.includes(lower);
    return { name, score: contains ? 0 : editDistance(needle, lower) };
  });
  const limit = Math.max(2, Math.floor(needle.length / 3));
  // Only the best: 'eu-wset-1' is one swap from eu-west-1 and two edits from eu-west-2.
  const best = Math.min(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score <= limit && s.score === best)
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
