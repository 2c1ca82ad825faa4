import { join } from 'node:path';
import { writeAtomically } from '../../audit/history.js';
import { UserError } from '../../user-error.js';
import { stringValue, type CommandSpec } from '../command.js';
import { FLEET_SUMMARY_FILE, fleetExitCode, mergeShards, renderFleetTable } from '../fleet-summary.js';

export const summarizeCommand: CommandSpec = {
  name: 'summarize',
  summary: 'Merge the shards of a sharded fleet audit (--all-clusters --shard I/N) into one summary table and summary.json.',
  usage: 'eks-doctor summarize DIR [--output text|json]',
  description:
    'Reads every shard-I-of-N.json under DIR (and its subdirectories, where each shard\'s own volume was copied) and the per-cluster reports they name, ' +
    'checks that every shard of one run is there once and that no cluster is in two shards, writes DIR/summary.json and prints the table a single-process ' +
    '--all-clusters run prints. Exits like that run: 1 when a cluster has findings at or above the shards\' --fail-on, 2 when the shards cannot be merged.',
  positionals: [{ name: 'DIR', description: 'The shards\' --report-dir' }],
  options: [{ name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', description: 'text (the table, default) or json (the summary)', choices: ['text', 'json'] }],
  examples: ['eks-doctor summarize /reports/fleet', 'eks-doctor summarize reports/ --output json'],
  async run(args, io) {
    const dir = args.positionals[0];
    if (dir === undefined) throw new UserError('summarize needs the directory the shards wrote to', 'Run `eks-doctor summarize DIR`, DIR being the --report-dir of the shards.');
    const { summary, failOnError } = mergeShards(dir);
    writeAtomically(join(dir, FLEET_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    io.stdout.write(stringValue(args.values.output) === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : renderFleetTable(summary, dir));
    return fleetExitCode(summary.rows, failOnError);
  },
};
