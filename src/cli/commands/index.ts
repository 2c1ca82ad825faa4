import type { CommandSpec } from '../command.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { diagnoseCommand } from './diagnose.js';
import { listCommand } from './list.js';
import { mcpCommand } from './mcp.js';
import { mockServerCommand } from './mock-server.js';
import { summarizeCommand } from './summarize.js';

/** Every command, in the order `eks-doctor --help` lists them. */
export const COMMANDS: CommandSpec[] = [diagnoseCommand, demoCommand, collectCommand, summarizeCommand, listCommand, mockServerCommand, mcpCommand];
