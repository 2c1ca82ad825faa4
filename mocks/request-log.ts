/**
 * Every request the mock servers answered, in arrival order. Tests read it to prove the tool is
 * read-only (IAM policy, ClusterRole); benchmarks read it for requests per action and the critical path.
 */
export interface RequestLogEntry {
  /** 'ec2', 'autoscaling', 'iam', 'sts', 'eks', or 'kubernetes' */
  service: string;
  /** AWS action ('DescribeSubnets') or Kubernetes '<VERB> <path>' without the query ('GET /api/v1/nodes'). */
  action: string;
  /** For Kubernetes: the request's verb, resource and namespace, as RBAC sees them. */
  kubernetes?: {
    verb: string;
    resource: string;
    group: string;
    namespace?: string;
    name?: string;
    /** For requests outside the resource API ('/version', '/api', '/apis'): RBAC's nonResourceURLs. */
    nonResourceURL?: string;
    query: string;
  };
  region?: string;
  status: number;
  /** Set when the mock injected a fault into this answer. */
  fault?: string;
  startedAt: number;
  endedAt: number;
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** 'ec2:DescribeSubnets' -> count */
  countsByAction(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.entries) {
      const key = `${e.service}:${e.action}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
