/** The CloudTrail part: recent write calls on the resources root causes name. Its collector is in cloudtrail.ts. */
import type { AwsPartDeclarations } from '../../sources.js';

export const CLOUDTRAIL_PARTS = {
  // Collected by the enrichment pass after diagnosis (src/enrich), for the resources the findings name.
  cloudTrailLookups: { step: 'cloudtrail:LookupEvents', actions: ['cloudtrail:LookupEvents'], afterDiagnosis: true },
} as const satisfies AwsPartDeclarations;
