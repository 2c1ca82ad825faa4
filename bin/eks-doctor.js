#!/usr/bin/env node
// Thin launcher: the CLI lives in compiled TypeScript under dist/.
// Its load is timed on the performance timeline as the run's trace reads every module load
// (`eks-doctor import NAME`, see timedImport in src/trace/tracer.ts): the span `import cli`.
import { performance } from 'node:perf_hooks';

const loading = performance.now();
const { main } = await import('../dist/src/cli/main.js');
performance.measure('eks-doctor import cli', { start: loading, end: performance.now() });

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() turns every expected failure into a message; reaching here is a bug in eks-doctor.
    console.error(`eks-doctor: internal error: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Please report this with the command you ran (add --debug for details).');
    if (process.env.EKS_DOCTOR_DEBUG) console.error(error);
    process.exitCode = 2;
  },
);
