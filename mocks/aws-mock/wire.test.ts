import * as ec2Client from '@aws-sdk/client-ec2';
import * as eksClient from '@aws-sdk/client-eks';
import { describe, expect, it } from 'vitest';
import { operationModels } from './wire.js';

/** The operations as the schemas say them: every exported tuple [9, namespace, name, …]. */
function exportedOperationSchemas(clientModule: Record<string, unknown>): string[] {
  return Object.entries(clientModule)
    .filter(([exportName, value]) => exportName.endsWith('$') && Array.isArray(value) && value[0] === 9)
    .map(([, value]) => (value as [number, string, string])[2])
    .sort();
}

describe('operationModels', () => {
  it('finds every operation schema a client exports, by name alone', () => {
    for (const clientModule of [ec2Client, eksClient] as Record<string, unknown>[]) {
      const names = [...operationModels(clientModule).keys()].sort();
      expect(names).toEqual(exportedOperationSchemas(clientModule));
    }
    expect(operationModels(ec2Client as Record<string, unknown>).size).toBeGreaterThan(700);
  });

  it("reads an operation's HTTP binding and schemas when asked", () => {
    const describeCluster = operationModels(eksClient as Record<string, unknown>).get('DescribeCluster')!;
    expect(describeCluster.http).toEqual({ method: 'GET', path: '/clusters/{name}', status: 200 });
    expect(describeCluster.output.getMemberSchema('cluster').getName()).toBe('Cluster');
    expect(operationModels(ec2Client as Record<string, unknown>).get('DescribeInstances')!.http).toBeUndefined();
  });
});
