/**
 * Round trip: for every scenario, the AWS mock serves its AWS side over the wire protocols, and
 * collecting it back gives the same AWS side (apart from capture metadata). Pages are capped at 2
 * items so every paginated call has to follow its tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScenarios, loadScenario } from '../../mocks/bundled-scenarios.js';
import { startAwsMock, type AwsMock } from '../../mocks/aws-mock/index.js';
import { asCollected, canonical, collectFromMock, errorSummary } from './support.js';

const scenarios = listScenarios();

describe.each(scenarios)('round trip of scenario $name', ({ name }) => {
  const scenario = loadScenario(name);
  let mock: AwsMock;
  beforeAll(async () => {
    mock = await startAwsMock({ clusterOverrides: (s) => ({ endpoint: s.aws.cluster?.endpoint }), snapshots: [scenario], maxPageSize: 2 });
  });
  afterAll(() => mock.close());

  it('collects back every AWS part, the resources that do not exist, and the recorded failures', async () => {
    const collected = await collectFromMock(scenario, mock.url, { connection: { maxAttempts: 1 } });
    for (const [part, expected] of Object.entries(asCollected(scenario.aws))) {
      if (expected === undefined) continue;
      expect(canonical((collected.aws as Record<string, unknown>)[part]), `aws.${part}`).toEqual(canonical(expected));
    }
    expect(errorSummary(collected)).toEqual(errorSummary(scenario, { changeHistory: false }));
    expect(collected.cluster).toEqual(scenario.cluster);
  });
});
