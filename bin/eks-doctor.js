#!/usr/bin/env node
// Thin launcher: the CLI is the bundle under dist/bundle/ (scripts/bundle.mjs: `npm run build`).
import { performance } from 'node:perf_hooks';

// Stack traces name src/ files and lines through the bundle's source maps when asked for details
// (reading the maps costs every run a little, so only then; NODE_OPTIONS=--enable-source-maps works too).
if (process.env.EKS_DOCTOR_DEBUG || process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

// The load is timed on the performance timeline, where the run's trace reads every module load
// (`eks-doctor import NAME`, see timedImport in src/trace/tracer.ts): the span `import cli`.
const loading = performance.now();
const { main } = await import('../dist/bundle/eks-doctor.js');
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
