import { leaveFirstFrame } from '../tui/first-frame.js';
import { UserError } from '../user-error.js';
import { TOOL_VERSION } from '../version.js';
import { commandHelp, parseCommandArgs, withCatalogueOptions, type CommandIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { limitHeapGrowth } from './heap-growth.js';

function mainHelp(): string {
  const lines = [
    `eks-doctor ${TOOL_VERSION}: read-only diagnosis of Amazon EKS clusters, root causes first.`,
    '',
    'Usage: eks-doctor <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`),
    '',
    'Run `eks-doctor <command> --help` for a command\'s options.',
    'Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not check.',
  ];
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CommandIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`${TOOL_VERSION}\n`);
    return 0;
  }
  if (first === undefined) {
    // No command is a mistake like any other: said on stderr, with the usage, and exit 2.
    io.stderr.write(`eks-doctor: no command given. Try \`eks-doctor demo\` (no AWS account needed) or \`eks-doctor diagnose --cluster NAME\`.\n\n${mainHelp()}`);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(await withCatalogueOptions(topic)) : mainHelp());
    return 0;
  }
  const declared = COMMANDS.find((c) => c.name === first);
  if (!declared) {
    io.stderr.write(`eks-doctor: unknown command '${first}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run \`eks-doctor --help\`.\n`);
    return 2;
  }
  const command = await withCatalogueOptions(declared);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  limitHeapGrowth(io.env);
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    // A failure after the UI's first frame was drawn, before the UI took over: the message must land on the shell's screen.
    leaveFirstFrame();
    if (error instanceof UserError) {
      io.stderr.write(`eks-doctor: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
      return 2;
    }
    throw error;
  }
}
