/**
 * Preloaded into the soak's CLI process by `npm run bench -- --soak N` (with --expose-gc): after
 * each NDJSON report, reads the resident set, forces a full garbage collection and writes both to
 * stderr as `soak-heap <live heap bytes> <RSS bytes before the collection>`. A leak shows as live
 * heap growing run after run; V8 and the allocator keeping freed memory show as RSS staying up
 * while the live heap does not. RSS is read before the forced collection, so it is what the run
 * itself left (the previous runs' forced collections aside).
 */
const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
const collect = (globalThis as { gc?: () => void }).gc;
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  const written = write(chunk, ...rest);
  if (collect && String(chunk).endsWith('\n')) {
    const rss = process.memoryUsage.rss();
    collect();
    process.stderr.write(`soak-heap ${process.memoryUsage().heapUsed} ${rss}\n`);
  }
  return written;
}) as typeof process.stdout.write;
