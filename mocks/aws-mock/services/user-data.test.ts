/**
 * The mock's user data is what the facts say: for every scenario, decoding (with the collector's own
 * decoder) the user data the mock renders for a launch-template version gives back that version's facts.
 */
import { describe, expect, it } from 'vitest';
import { userDataFacts } from '../../../src/collect/aws/user-data.js';
import { composeAllScenarios } from '../../scenario-builder/compose.js';
import { caLookup, renderUserData } from './user-data.js';

describe('rendered user data', async () => {
  const scenarios = await composeAllScenarios();
  const cases = scenarios.flatMap((s) => (s.aws.launchTemplateUserData ?? []).map((facts) => ({ name: `${s.meta?.scenario}: ${facts.LaunchTemplateId}:${facts.VersionNumber}`, facts, ca: s.aws.cluster?.certificateAuthority?.data })));

  it('covers every kind the scenarios use', () => {
    expect(new Set(cases.map((c) => c.facts.bootstrap))).toEqual(new Set(['nodeadm', 'bootstrap-sh']));
    expect(cases.some((c) => c.facts.problems?.some((p) => p.kind === 'mime'))).toBe(true);
    expect(cases.some((c) => c.facts.problems?.some((p) => p.kind === 'nodeconfig'))).toBe(true);
  });

  it.each(cases)('$name decodes back to its facts', ({ facts, ca }) => {
    const rendered = renderUserData(facts, { caByFingerprint: caLookup(ca ? [ca] : []) });
    expect(userDataFacts(facts, rendered?.toString('base64'))).toEqual(facts);
  });

  it('writes a managed node group’s user data as EKS does: a MIME multipart with a NodeConfig part', () => {
    const managed = cases.find((c) => c.name.startsWith('baseline: lt-0a9b8c7d6e5f4a3b2'))!;
    const text = renderUserData(managed.facts, { caByFingerprint: caLookup([managed.ca!]) })!.toString('utf8');
    expect(text).toMatch(/^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="\/\/"\n\n--\/\/\nContent-Type: application\/node\.eks\.aws\n\n---\napiVersion: node\.eks\.aws\/v1alpha1\nkind: NodeConfig\n/);
    expect(text).toContain(`    certificateAuthority: ${managed.ca}\n`);
    expect(text.endsWith('--//--\n')).toBe(true);
  });
});
