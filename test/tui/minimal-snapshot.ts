import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The smallest valid snapshot, for tests of the CLI's paths rather than of any check. */
export function writeMinimalSnapshot(dir: string): string {
  const file = join(dir, 'minimal-snapshot.json');
  writeFileSync(
    file,
    JSON.stringify({ kind: 'eks-doctor.snapshot', schemaVersion: 1, capturedAt: '2026-11-26T16:00:00Z', cluster: { name: 'demo-cluster', region: 'eu-west-1' }, aws: {}, kubernetes: {}, errors: [] }),
  );
  return file;
}
