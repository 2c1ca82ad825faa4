/**
 * Loaded with `node --import` by the benchmark: records every module the process resolves to the
 * file named by EKS_DOCTOR_IMPORT_LOG, so the start-up figures can prove which paths load ink/React.
 */
import { register } from 'node:module';

const log = process.env.EKS_DOCTOR_IMPORT_LOG;
if (log) register(new URL('./import-watch-hooks.js', import.meta.url), { data: { log } });
