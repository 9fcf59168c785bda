/**
 * What a subcommand is: its arguments and options (parsed strictly: an unknown flag is a usage error),
 * whether it needs a server, and what it runs. New subcommands (e.g. `run`, a heartbeat wrapper) are
 * one more entry in commands/index.ts.
 */
import type { LockboardApi } from './api';
import type { Io } from './io';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** `--name <value>  help` in the command's help. */
  help: string;
  /** The placeholder of a value (`<id>`). */
  value?: string;
}

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  io: Io;
  /** The server's API (created on first use: a command that needs no server never asks for one). */
  api: () => LockboardApi;
  /** What `X-Lockboard-Client` says (`cli/<version>`; the MCP server sets its own). */
  via: string;
  /** Builds an API for another `via` label (the MCP server names its agent). */
  apiFor: (via: string) => LockboardApi;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** More lines of help after the usage. */
  details?: string[];
  args: { min: number; max: number };
  options: Record<string, OptionSpec>;
  run: (ctx: CommandContext) => Promise<number>;
}

/** A string option's value ('' when absent). */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true;
}
