import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../engine/report.js';
import type { OtlpTraceFile } from '../trace/tracer.js';
import { TraceWriter } from './trace-option.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-trace-writer-'));
const spanNames = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as OtlpTraceFile).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name);

describe('TraceWriter', () => {
  it('traced(runner): each run gets a tracer and rewrites the file with its own trace (the interactive UI path)', async () => {
    const path = join(dir, 'ui.json');
    const writer = new TraceWriter(path, 'diagnose', { stderr: { write: () => true } });
    let run = 0;
    const traced = writer.traced(async ({ tracer }) => {
      tracer!.start(`work ${++run}`).end();
      return {} as Report;
    });
    await traced({});
    // The process's first run covers its start too (this file's first traced run); later runs do not.
    expect(spanNames(path)).toEqual(['eks-doctor diagnose', 'startup', 'work 1']);
    await traced({});
    expect(spanNames(path)).toEqual(['eks-doctor diagnose', 'work 2']);
  });

  it('a run that fails still writes its trace, its root marked as the error', async () => {
    const path = join(dir, 'failed.json');
    const writer = new TraceWriter(path, 'collect', { stderr: { write: () => true } });
    await expect(writer.record(() => Promise.reject(new RangeError('nope')))).rejects.toThrow('nope');
    const root = (JSON.parse(readFileSync(path, 'utf8')) as OtlpTraceFile).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(root.status).toEqual({ code: 2, message: 'RangeError' });
  });

  it('a file that cannot be written at the end is a warning; the run\'s result stands', async () => {
    const path = join(dir, 'became-a-directory');
    let stderr = '';
    const writer = new TraceWriter(path, 'diagnose', { stderr: { write: (s: string) => (stderr += s) } });
    mkdirSync(path);
    await expect(writer.record(async () => 7)).resolves.toBe(7);
    expect(stderr).toMatch(/could not write the trace to .*became-a-directory/);
    rmSync(path, { recursive: true });
  });
});
