/**
 * Every subcommand of `lockboard`, in the order help lists them. A new one (e.g. `run -- terraform …`,
 * the heartbeat wrapper) is a module of its own and one entry here.
 */
import type { Command } from '../command';
import { auditCommand } from './audit';
import { freezeCommand, unfreezeCommand } from './freeze';
import { locksCommand } from './locks';
import { mcpCommand } from './mcp';
import { runCommand } from './run';
import { searchCommand } from './search';
import { stateCommand } from './state';
import { statesCommand } from './states';
import { unlockCommand } from './unlock';

export const COMMANDS: Command[] = [locksCommand, statesCommand, stateCommand, unlockCommand, freezeCommand, unfreezeCommand, searchCommand, auditCommand, runCommand, mcpCommand];
