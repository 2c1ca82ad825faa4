#!/usr/bin/env node
// Thin launcher: the CLI lives in compiled TypeScript under dist/.
import { main } from '../dist/src/cli/main.js';

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
