/** The STS part: who the credentials are (and whether they work at all). */
import type { AwsPartDeclarations } from '../../sources.js';

export const STS_PARTS = {
  callerIdentity: { step: 'sts:GetCallerIdentity', actions: ['sts:GetCallerIdentity'] },
} as const satisfies AwsPartDeclarations;
