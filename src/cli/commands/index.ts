import type { CommandSpec } from '../command.js';
import { collectCommand } from './collect.js';
import { demoCommand } from './demo.js';
import { diagnoseCommand } from './diagnose.js';
import { listCommand } from './list.js';
import { mcpCommand } from './mcp.js';
import { mockServerCommand } from './mock-server.js';

/** Every command, in the order `eks-doctor --help` lists them. */
export const COMMANDS: CommandSpec[] = [diagnoseCommand, demoCommand, collectCommand, listCommand, mockServerCommand, mcpCommand];
