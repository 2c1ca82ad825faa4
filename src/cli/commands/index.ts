import type { CommandSpec } from '../command.js';
import { collectCommand } from './collect.js';
import { diagnoseCommand } from './diagnose.js';
import { listCommand } from './list.js';

/** Every command, in the order `eks-doctor --help` lists them. */
export const COMMANDS: CommandSpec[] = [diagnoseCommand, collectCommand, listCommand];
