/* global process */
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.EKS_DOCTOR_IMPORT_LOG, `${result.url}\n`);
  return result;
}
