/**
 * `describe_catalogue`: the checks, their finding codes, and for each snapshot part a check needs
 * or uses, the requests that fill it and what the identity must be allowed. Built from the same
 * declarations the collectors run (src/collect), so it cannot list a request that is never made.
 */
import type { z } from 'zod';
import { KUBERNETES_READS } from '../collect/kubernetes/collect-kubernetes.js';
import { COLLECTOR_SOURCES } from '../collect/sources.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { partLabel } from '../engine/failure-text.js';
import type { SnapshotPart } from '../snapshot/types.js';
import type { catalogueOutput } from './schemas.js';

type CatalogueOutput = z.infer<z.ZodObject<typeof catalogueOutput>>;
type NeedPart = CatalogueOutput['checks'][number]['needs'][number];

const KUBERNETES_PREFIX = 'kubernetes.';

/** The part's own requests and permissions: AWS actions, or a Kubernetes request and its verb and resource. */
function ownSources(part: SnapshotPart): { reads: string[]; permissions: string[] } {
  if (part.startsWith(KUBERNETES_PREFIX)) {
    const read = (KUBERNETES_READS as Record<string, { call: string; permission: string } | undefined>)[part.slice(KUBERNETES_PREFIX.length)];
    if (read) return { reads: [read.call], permissions: [read.permission] };
    // apiServer: the reachability probe every Kubernetes read waits for.
    const probe = KUBERNETES_READS.version;
    return { reads: [probe.call], permissions: [probe.permission] };
  }
  const actions = [...(COLLECTOR_SOURCES[part]?.actions ?? [])];
  return { reads: actions, permissions: actions };
}

/**
 * A part with what fills it: its own requests, and the permissions of the parts its collector
 * cannot do without (an add-on's versions need the add-ons listed first), so that granting the
 * list is enough.
 */
export function describeParts(parts: readonly SnapshotPart[]): NeedPart[] {
  return parts.map((part) => {
    const { reads } = ownSources(part);
    const permissions = new Set<string>();
    const seen = new Set<SnapshotPart>();
    const visit = (p: SnapshotPart) => {
      if (seen.has(p)) return;
      seen.add(p);
      for (const permission of ownSources(p).permissions) permissions.add(permission);
      for (const needed of COLLECTOR_SOURCES[p]?.needs ?? []) visit(needed);
    };
    visit(part);
    return { part, label: partLabel(part), reads, permissions: [...permissions] };
  });
}

export function describeCatalogue(diagnostics: readonly Diagnostic[], scenarios: { name: string; description: string }[]): CatalogueOutput {
  return {
    checks: diagnostics.map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description,
      docs: d.docs,
      needs: describeParts(d.needs),
      uses: describeParts(d.uses),
      codes: Object.entries(d.codes).map(([code, c]) => ({
        id: `${d.id}/${code}`,
        severity: c.severity,
        title: c.title,
        description: c.description,
        ...(c.symptom ? { symptom: c.symptom } : {}),
        ...(c.explains && c.explains.length > 0 ? { explains: c.explains } : {}),
      })),
    })),
    demoScenarios: scenarios,
    policies: { aws: 'policy/iam-policy.json', kubernetes: 'policy/clusterrole.yaml' },
  };
}
