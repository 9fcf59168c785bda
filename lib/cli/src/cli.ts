/**
 * `lockboard <command> [options]`: parses the command line strictly, builds the client from the
 * server URL and identity, runs the command and turns every failure into a message on stderr (and
 * `{"error":…}` on stdout with --json) and an exit code (errors.ts).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { lockboardApi } from './api';
import { LockboardClient, parseHeader, viaLabel } from './client';
import type { Command, CommandContext, OptionSpec } from './command';
import { COMMANDS } from './commands/index';
import { CliError, EXIT, usageError } from './errors';
import type { Io } from './io';
import { safe, safeJson } from './text';
import { CLI_VERSION } from './version';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', value: '<url>', help: 'Lockboard base URL (default: $LOCKBOARD_URL)' },
  'token-file': { type: 'string', value: '<path>', help: 'file holding the bearer token (default: $LOCKBOARD_TOKEN)' },
  header: { type: 'string', multiple: true, value: '"Name: value"', help: 'extra header an auth proxy in front expects (repeatable)' },
  json: { type: 'boolean', help: 'print JSON for scripts instead of tables' },
  timeout: { type: 'string', value: '<seconds>', help: 'deadline of each request (default 30)' },
  help: { type: 'boolean', help: 'show help' },
};

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
const toParseOptions = (specs: Record<string, OptionSpec>): ParseOptions =>
  Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type, multiple: s.multiple ?? false, ...(name === 'help' ? { short: 'h' } : {}) }]));

function optionLines(specs: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(specs).map(([name, s]) => [`--${name}${s.value ? ` ${s.value}` : ''}`, s.help] as const);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`);
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `lockboard ${CLI_VERSION}: Terraform S3-backend locks and states through a Lockboard server`,
    '',
    'usage: lockboard <command> [arguments] [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options of every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit codes: 0 ok, 1 refused or changed (nothing done), 2 usage, 3 Lockboard unreachable or not Lockboard',
    'lockboard <command> --help shows the command\'s own options.',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [`usage: ${c.usage}`, '', c.summary, ...(c.details ? ['', ...c.details] : []), '', 'options:', ...optionLines({ ...c.options, ...GLOBAL_OPTIONS })].join('\n');
}

/** The command named on the line (first positional), found with every option's type known. */
function commandName(argv: string[]): string | undefined {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const c of COMMANDS) Object.assign(all, c.options);
  const { positionals } = parseArgs({ args: argv, options: toParseOptions(all), strict: false, allowPositionals: true });
  return positionals[0];
}

function parse(argv: string[], command: Command) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: toParseOptions({ ...GLOBAL_OPTIONS, ...command.options }), strict: true, allowPositionals: true });
    return { values: values as CommandContext['values'], positionals: positionals.slice(1) };
  } catch (e) {
    throw usageError(`${(e as Error).message.split(/\.\s|\n/)[0]} (lockboard ${command.name} --help lists its options)`);
  }
}

function clientFactory(values: CommandContext['values'], io: Io) {
  const server = (typeof values.server === 'string' ? values.server : io.env.LOCKBOARD_URL) ?? '';
  const tokenFile = typeof values['token-file'] === 'string' ? values['token-file'] : null;
  const timeout = typeof values.timeout === 'string' ? Number(values.timeout) : 30;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw usageError(`--timeout expects seconds between 0 and 600, got "${safe(values.timeout)}"`);
  const headers = Object.fromEntries(((values.header as string[] | undefined) ?? []).map(parseHeader));
  return (via: string) => {
    if (server === '') throw usageError('no server: pass --server <url> or set LOCKBOARD_URL');
    let token = io.env.LOCKBOARD_TOKEN?.trim() || null;
    if (tokenFile !== null) {
      try {
        token = fs.readFileSync(tokenFile, 'utf8').trim() || null;
      } catch (e) {
        throw usageError(`--token-file: cannot read ${safe(tokenFile)} (${safe((e as NodeJS.ErrnoException).code ?? 'error')})`);
      }
    }
    if (token !== null && /[^\x21-\x7e]/.test(token)) throw usageError('the token has spaces or control characters: is it the right file or variable?');
    return lockboardApi(new LockboardClient({ server, token, headers, via: viaLabel(via), timeoutMs: timeout * 1000 }));
  };
}

function report(e: unknown, io: Io, json: boolean): number {
  const error = e instanceof CliError ? e : new CliError(EXIT.refused, `unexpected failure: ${safe(e instanceof Error ? e.message : String(e))}`, 'internal');
  io.err(`lockboard: ${error.message}`);
  if (json) io.out(safeJson({ error: { code: error.code, message: error.message, exitCode: error.exitCode, ...(error.details ?? {}) } }));
  return error.exitCode;
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      io.err(mainHelp());
      return EXIT.usage;
    }
    if (argv[0] === '--version' || argv[0] === 'version') {
      io.out(CLI_VERSION);
      return EXIT.ok;
    }
    const name = commandName(argv);
    if (name === undefined || name === 'help') {
      const topic = name === 'help' ? COMMANDS.find((c) => c.name === commandName(argv.slice(argv.indexOf('help') + 1))) : undefined;
      if (name === undefined && !argv.includes('--help') && !argv.includes('-h')) throw usageError('no command given (lockboard --help lists them)');
      io.out(topic ? commandHelp(topic) : mainHelp());
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw usageError(`unknown command "${safe(name)}" (lockboard --help lists the commands)`);
    const { values, positionals } = parse(argv, command);
    if (values.help === true) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    if (positionals.length < command.args.min || positionals.length > command.args.max) {
      throw usageError(`${positionals.length < command.args.min ? 'missing arguments' : 'too many arguments'}: usage: ${command.usage}`);
    }
    const apiFor = clientFactory(values, io);
    const via = `cli/${CLI_VERSION}`;
    let api: ReturnType<typeof apiFor> | null = null;
    const ctx: CommandContext = { positionals, values, json: values.json === true, io, via, apiFor, api: () => (api ??= apiFor(via)) };
    return await command.run(ctx);
  } catch (e) {
    return report(e, io, json);
  }
}
