/**
 * Preloaded into the soak's CLI process by `npm run bench -- --soak-heap` (with --expose-gc): after
 * each NDJSON report, forces a full garbage collection and writes the live heap to stderr as
 * `soak-heap <bytes>`. A leak shows as live heap growing run after run; V8 and the allocator keeping
 * freed memory show as RSS staying up while the live heap does not.
 */
const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
const collect = (globalThis as { gc?: () => void }).gc;
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  const written = write(chunk, ...rest);
  if (collect && String(chunk).endsWith('\n')) {
    collect();
    process.stderr.write(`soak-heap ${process.memoryUsage().heapUsed}\n`);
  }
  return written;
}) as typeof process.stdout.write;
