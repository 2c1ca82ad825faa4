/**
 * `describe_catalogue`: the checks, their finding codes, and for each snapshot part a check needs
 * or uses, the requests that fill it and what the identity must be allowed. Built from the same
 * declarations the collectors run (src/collect), so it cannot list a request that is never made.
 */
import type { z } from 'zod';
import type { AwsClients } from '../collect/aws/clients.js';
import { awsCollectors } from '../collect/aws/parts.js';
import { KUBERNETES_READS } from '../collect/kubernetes/collect-kubernetes.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import { partLabel } from '../engine/failure-text.js';
import type { SnapshotPart } from '../snapshot/types.js';
import type { catalogueOutput } from './schemas.js';

type CatalogueOutput = z.infer<z.ZodObject<typeof catalogueOutput>>;
type NeedPart = CatalogueOutput['checks'][number]['needs'][number];

/**
 * The collectors are declared as functions of the SDK clients, but their request labels are data:
 * reading them needs no client, so none is made (nothing here can send a request).
 */
function awsRequestLabels(): Record<string, string> {
  const collectors = awsCollectors({} as AwsClients, Promise.resolve([]));
  return Object.fromEntries(Object.entries(collectors).map(([part, collector]) => [part, collector.step]));
}

export function describeParts(parts: readonly SnapshotPart[]): NeedPart[] {
  const aws = awsRequestLabels();
  return parts.map((part) => {
    const [side, key] = part.split('.') as ['aws' | 'kubernetes', string];
    if (side === 'kubernetes') {
      const read = (KUBERNETES_READS as Record<string, { call: string; permission: string } | undefined>)[key];
      // apiServer is no request of its own: it records how the others reached the API server.
      return { part, label: partLabel(part), reads: read ? [read.call] : [], permissions: read ? [read.permission] : [] };
    }
    const action = aws[key];
    return { part, label: partLabel(part), reads: action ? [action] : [], permissions: action ? [action] : [] };
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
