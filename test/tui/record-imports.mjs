/* global process */
// Preloaded with `node --import`: records the URL of every module the process resolves, so a test
// can prove which paths load ink and React. The hooks run on their own thread; see the hooks file.
import { register } from 'node:module';

if (!process.env.EKS_DOCTOR_IMPORT_LOG) throw new Error('set EKS_DOCTOR_IMPORT_LOG to the file that receives the module URLs');
register('./record-imports-hooks.mjs', import.meta.url);
