import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { catalogueThresholds } from '../engine/diagnostic.js';
import { loadDiagnostics } from '../engine/registry.js';
import { checkConfigAgainstCatalogue, parseConfig } from './config-file.js';

const file = '.eks-doctor.yaml';
/** The keys `thresholds:` accepts are the thresholds the checks declare. */
const thresholds = catalogueThresholds(await loadDiagnostics());

function errorOf(text: string): string {
  try {
    parseConfig(text, file, thresholds);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).message;
  }
  throw new Error('expected a UserError');
}

describe('parseConfig', () => {
  it('reads selection, thresholds and suppressions with their lines', () => {
    const config = parseConfig(
      [
        'only: [aws-auth, subnets]',
        'skip: aws-auth',
        'thresholds:',
        '  freeIpThreshold: 32',
        '  joinGracePeriodMinutes: 7.5',
        'suppressions:',
        '  - id: subnets/low-free-ips',
        '    resources: [subnet-1, subnet-2]',
        '    reason: being replaced',
        '    expires: 2026-12-31',
        '  - id: aws-auth/duplicate-mapping',
        '    keys:',
        '      - "aws-auth/duplicate-mapping:arn:aws:iam::1:role/x"',
        '    reason: cleanup scheduled',
      ].join('\n'),
      file,
      thresholds,
    );
    expect(config.only).toEqual(['aws-auth', 'subnets']);
    expect(config.skip).toEqual(['aws-auth']);
    expect(config.thresholds).toEqual({ freeIpThreshold: 32, joinGracePeriodMinutes: 7.5 });
    expect(config.suppressions).toEqual([
      { id: 'subnets/low-free-ips', resources: ['subnet-1', 'subnet-2'], reason: 'being replaced', expires: '2026-12-31', line: 7 },
      { id: 'aws-auth/duplicate-mapping', keys: ['aws-auth/duplicate-mapping:arn:aws:iam::1:role/x'], reason: 'cleanup scheduled', line: 11 },
    ]);
    expect(config.checkIdLines).toEqual([
      { id: 'aws-auth', line: 1 },
      { id: 'subnets', line: 1 },
      { id: 'aws-auth', line: 2 },
    ]);
  });

  it('accepts an empty file and a comment-only file', () => {
    expect(parseConfig('', file, thresholds).suppressions).toEqual([]);
    expect(parseConfig('# nothing yet\n', file, thresholds).suppressions).toEqual([]);
  });

  it.each([
    ['malformed YAML', 'suppressions:\n  - id: a/b\n    reason: [unclosed\n', /^\.eks-doctor\.yaml line \d: not valid YAML/],
    ['a tab-indented mapping', 'thresholds:\n\tfreeIpThreshold: 3\n', /^\.eks-doctor\.yaml line 2: not valid YAML/],
    ['a duplicate key', 'only: [a]\nonly: [b]\n', /^\.eks-doctor\.yaml line 2: not valid YAML: Map keys must be unique/],
    ['an unknown top-level key', 'only: [aws-auth]\n\nsupressions: []\n', /^\.eks-doctor\.yaml line 3: unknown key 'supressions'; known keys: only, skip, thresholds, suppressions$/],
    ['an unknown suppression key', 'suppressions:\n  - id: a/b\n    reason: x\n    until: 2026-01-01\n', /^\.eks-doctor\.yaml line 4: unknown key 'until' in suppression/],
    ['an unknown threshold', 'thresholds:\n  freeIps: 3\n', /^\.eks-doctor\.yaml line 2: unknown threshold 'freeIps'/],
    ['a threshold that is not a number', 'thresholds:\n  freeIpThreshold: many\n', /line 2: thresholds\.freeIpThreshold must be a whole number/],
    ['a suppression without reason', 'suppressions:\n  - id: a/b\n', /^\.eks-doctor\.yaml line 2: suppression of a\/b has no reason/],
    ['a suppression with an empty reason', 'suppressions:\n  - id: a/b\n    reason: ""\n', /line 3: suppression reason must not be empty/],
    ['a suppression without id', 'suppressions:\n  - reason: because\n', /^\.eks-doctor\.yaml line 2: suppression has no id/],
    ['an id that is not a finding id', 'suppressions:\n  - id: aws-auth\n    reason: x\n', /line 2: suppression id 'aws-auth' is not a finding id/],
    ['a date that is not YYYY-MM-DD', 'suppressions:\n  - id: a/b\n    reason: x\n    expires: 31/12/2026\n', /line 4: suppression expires '31\/12\/2026' is not a date/],
    ['a date that does not exist', 'suppressions:\n  - id: a/b\n    reason: x\n    expires: 2026-02-30\n', /line 4: suppression expires '2026-02-30' is not a date/],
    ['suppressions not a list', 'suppressions:\n  id: a/b\n', /line 1: suppressions must be a list/],
    ['a top level that is a list', '- a\n- b\n', /line 1: expected a mapping/],
  ])('%s is a UserError naming the file and line', (_name, text, pattern) => {
    expect(errorOf(text)).toMatch(pattern);
  });
});

describe('checkConfigAgainstCatalogue', () => {
  const catalogue = [{ id: 'aws-auth', codes: { 'duplicate-mapping': { severity: 'warning' as const, title: 't', description: 'd' } } }];

  it('names the line of an unknown check id', () => {
    const config = parseConfig('skip:\n  - aws-auth\n  - subnetz\n', file, thresholds);
    expect(() => checkConfigAgainstCatalogue(config, catalogue)).toThrow(/^\.eks-doctor\.yaml line 3: unknown check 'subnetz'$/);
  });

  it('names the line of an unknown finding id', () => {
    const config = parseConfig('suppressions:\n  - id: aws-auth/duplicate-mapping\n    reason: x\n  - id: aws-auth/no-such-code\n    reason: y\n', file, thresholds);
    expect(() => checkConfigAgainstCatalogue(config, catalogue)).toThrow(/^\.eks-doctor\.yaml line 4: suppression of unknown finding id 'aws-auth\/no-such-code'$/);
  });
});
