/** Reports for the renderers' tests: a fixed header (schema, tool, times) around the parts a test is about. */
import type { Report } from '../../src/engine/report.js';

export function reportFixture(parts: Pick<Report, 'cluster' | 'summary' | 'checks' | 'findings'> & { toolVersion: string }): Report {
  const { toolVersion, ...rest } = parts;
  return {
    schemaVersion: '1.0',
    tool: { name: 'eks-doctor', version: toolVersion },
    generatedAt: '2026-01-01T00:00:00.000Z',
    snapshot: { capturedAt: '2026-01-01T00:00:00.000Z' },
    collectionErrors: [],
    ...rest,
  };
}
