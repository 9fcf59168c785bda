/**
 * `lockboard mcp`: an MCP server on stdio (the official TypeScript SDK) for agents: read tools, and
 * two-step changes with confirmation tokens (mcp/). Runs until the client closes the connection.
 */
import type { Command } from '../command';
import { str } from '../command';
import { EXIT, usageError } from '../errors';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'MCP server on stdio for AI agents (read tools; plan_*/apply_* changes with confirmation tokens)',
  usage: 'lockboard mcp [--agent <name>] [--plan-ttl <seconds>]',
  details: ['Every change is audited with the verified user and via "mcp/<agent>".'],
  args: { min: 0, max: 0 },
  options: {
    agent: { type: 'string', value: '<name>', help: 'agent name for the audit record (default: the MCP client\'s own name)' },
    'plan-ttl': { type: 'string', value: '<seconds>', help: 'lifetime of a confirmation token (1-600, default 120)' },
  },
  async run(ctx) {
    const ttl = Number(str(ctx, 'plan-ttl') ?? '120');
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 600) throw usageError('--plan-ttl expects whole seconds from 1 to 600');
    // Fails now (usage, exit 2) rather than at the first tool call when no server is configured.
    ctx.apiFor('mcp');
    // Loaded here, not at start: the other commands never load the SDK.
    const { serveMcp } = await import('../mcp/serve');
    await serveMcp({ apiFor: ctx.apiFor, agent: str(ctx, 'agent'), planTtlMs: ttl * 1000 });
    return EXIT.ok;
  },
};
