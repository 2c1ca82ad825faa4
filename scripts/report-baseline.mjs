#!/usr/bin/env node
/**
 * Renders every bundled scenario in every report format with the built CLI and writes the results,
 * normalised (no generation time, no durations), to a folder; or compares two such folders.
 *
 *   node scripts/report-baseline.mjs capture DIR     # after `npm run build`
 *   node scripts/report-baseline.mjs compare DIR_A DIR_B
 *
 * A refactor that must not change what users see captures before and after and compares: the
 * comparison lists every file that differs and exits 1 when any does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const formats = { json: 'json', text: 'txt', markdown: 'md', junit: 'xml', sarif: 'sarif' };

/** Removes what legitimately changes from run to run: the time of generation and durations. */
export function normalise(text) {
  return text
    .replace(/"generatedAt": "[^"]*"/g, '"generatedAt": "-"')
    .replace(/"durationMs": [0-9.e+-]+/g, '"durationMs": 0')
    .replace(/"(startTimeUtc|endTimeUtc)": "[^"]*"/g, '"$1": "-"')
    .replace(/\b(time|timestamp)="[^"]*"/g, '$1="-"')
    .replace(/(generated|Generated)( at)? \d{4}-\d\d-\d\dT[0-9:.]+Z/g, '$1$2 <time>');
}

function capture(dir) {
  const scenarios = (existsSync(join(root, 'mocks', 'scenarios')) ? readdirSync(join(root, 'mocks', 'scenarios')) : []).filter((f) => f.endsWith('.json')).sort();
  if (scenarios.length === 0) throw new Error('no scenarios under mocks/scenarios: run `npm run build` first (it generates them)');
  mkdirSync(dir, { recursive: true });
  for (const file of scenarios) {
    const name = file.replace(/\.json$/, '');
    const outDir = join(dir, name);
    mkdirSync(outDir, { recursive: true });
    const args = ['bin/eks-doctor.js', 'diagnose', '--snapshot', join('mocks', 'scenarios', file), '--no-color'];
    for (const [format, ext] of Object.entries(formats)) args.push('--output', `${format}=${join(outDir, `report.${ext}`)}`);
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    writeFileSync(join(outDir, 'exit-code'), `${run.status}\n`);
    writeFileSync(join(outDir, 'stderr'), normalise(run.stderr.replace(/\(node:\d+\)[^\n]*\n(?:[^\n]*\n)*?\n?/g, '')));
    for (const ext of Object.values(formats)) {
      const path = join(outDir, `report.${ext}`);
      if (existsSync(path)) writeFileSync(path, normalise(readFileSync(path, 'utf8')));
    }
    process.stdout.write(`${name} ${run.status}\n`);
  }
}

function compare(a, b) {
  const names = new Set([...readdirSync(a), ...readdirSync(b)]);
  let differing = 0;
  for (const name of [...names].sort()) {
    const files = new Set([...(existsSync(join(a, name)) ? readdirSync(join(a, name)) : []), ...(existsSync(join(b, name)) ? readdirSync(join(b, name)) : [])]);
    for (const file of [...files].sort()) {
      const pa = join(a, name, file);
      const pb = join(b, name, file);
      const ta = existsSync(pa) ? readFileSync(pa, 'utf8') : undefined;
      const tb = existsSync(pb) ? readFileSync(pb, 'utf8') : undefined;
      if (ta !== tb) {
        differing += 1;
        process.stdout.write(`differs: ${name}/${file}${ta === undefined ? ' (only in second)' : tb === undefined ? ' (only in first)' : ''}\n`);
      }
    }
  }
  process.stdout.write(differing === 0 ? `identical: ${names.size} scenarios\n` : `${differing} files differ (diff -r ${a} ${b})\n`);
  process.exit(differing === 0 ? 0 : 1);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'capture' && rest.length === 1) capture(rest[0]);
else if (command === 'compare' && rest.length === 2) compare(rest[0], rest[1]);
else {
  process.stderr.write('usage: node scripts/report-baseline.mjs capture DIR | compare DIR_A DIR_B\n');
  process.exit(2);
}
