import { loadDiagnostics } from '../../engine/registry.js';
import { stringValue, type CommandSpec } from '../command.js';

export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'List the checks, the finding codes each can report, and the thresholds each takes.',
  usage: 'eks-doctor list [--output text|json]',
  options: [{ name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', description: 'text (default) or json', choices: ['text', 'json'] }],
  async run(args, io) {
    const diagnostics = await loadDiagnostics();
    if (stringValue(args.values.output) === 'json') {
      const catalogue = diagnostics.map((d) => ({
        id: d.id,
        title: d.title,
        description: d.description,
        docs: d.docs,
        needs: d.needs,
        explains: d.explains,
        symptoms: d.symptoms,
        codes: Object.entries(d.codes).map(([code, c]) => ({ id: `${d.id}/${code}`, ...c })),
        thresholds: Object.entries(d.thresholds).map(([name, t]) => ({ name, ...t })),
      }));
      io.stdout.write(`${JSON.stringify(catalogue, null, 2)}\n`);
      return 0;
    }
    const lines: string[] = [];
    for (const d of diagnostics) {
      lines.push(`${d.id.padEnd(24)} ${d.title}`);
      for (const [code, c] of Object.entries(d.codes)) lines.push(`  ${`${d.id}/${code}`.padEnd(52)} ${c.severity.padEnd(8)} ${c.title}`);
      for (const [name, t] of Object.entries(d.thresholds)) lines.push(`  ${`--${t.flag} N`.padEnd(52)} ${'tunable'.padEnd(8)} ${t.description} (default ${t.default}; config thresholds.${name})`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
