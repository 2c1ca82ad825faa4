/** Collector for the STS part (declared in sts-parts.ts). */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../clients.js';
import type { Collectors } from '../collection.js';
import type { STS_PARTS } from './sts-parts.js';

export function stsCollectors({ sts }: AwsClients): Collectors<keyof typeof STS_PARTS> {
  return {
    async callerIdentity(c) {
      const out = await c.call('callerIdentity', 'sts:GetCallerIdentity', (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }));
      return { ...(out?.Account ? { Account: out.Account } : {}), ...(out?.Arn ? { Arn: out.Arn } : {}), ...(out?.UserId ? { UserId: out.UserId } : {}) };
    },
  };
}
