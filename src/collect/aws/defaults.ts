/** Time and retry budgets for AWS calls, documented in docs/aws.md. Kept apart so --help loads no SDK. */
/** Bound on one HTTP attempt, from connecting to the last byte (--call-timeout). */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Attempts per call including the first; 5xx, timeouts and resets are retried with backoff. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** Attempts per call while it is throttled: a busy account's reads are worth waiting for (retry.ts). */
export const DEFAULT_THROTTLING_MAX_ATTEMPTS = 10;
/** Bound on the whole collection (--timeout). */
export const DEFAULT_TIMEOUT_SECONDS = 120;
/** AWS requests in flight at once, per service (EKS, EC2, Auto Scaling, IAM, STS). */
export const DEFAULT_CONCURRENCY = 8;
