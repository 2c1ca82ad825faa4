/** Values several services' collectors compute the same way; each is computed once per collection. */
import type { AwsCollection, AwsKey } from '../collection.js';

export function unique<T>(items: Iterable<T | undefined>): T[] {
  return [...new Set([...items].filter((i): i is T => i !== undefined && i !== ''))];
}

export const clusterName = (c: AwsCollection): string => c.settings.clusterName;

/** What DescribeCluster said; its failure fails the asking part with the same cause. */
export const cluster = async (c: AwsCollection, forPart: AwsKey) => c.need('cluster', forPart);

/** The Auto Scaling groups managed node groups name (Auto Scaling and EC2 both look them up). */
export const nodegroupAsgNames = (c: AwsCollection): Promise<string[]> =>
  c.shared('nodegroupAsgNames', async () => {
    const groups = (await c.part('nodegroups')) ?? [];
    return unique(groups.flatMap((g) => (g.resources?.autoScalingGroups ?? []).map((a) => a.name)));
  });

/** What `promise` resolves to, or `fallback` once `signal` aborts first. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal, fallback: T): Promise<T> {
  if (signal.aborted) return Promise.resolve(fallback);
  return new Promise<T>((resolve) => {
    const aborted = (): void => resolve(fallback);
    signal.addEventListener('abort', aborted, { once: true });
    void promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      () => resolve(fallback),
    );
  });
}
