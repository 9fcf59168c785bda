/**
 * The layer rules can fail: each is run through ESLint's API on a small project written to a temp
 * directory (bad imports are reported with the right message, good ones are not).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from './layers';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Writes `files` into a fresh project directory and lints `target` there; returns the messages. */
async function lint(files: Record<string, string>, target: string, allowContract: string[] = []): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-layers-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx}'],
        languageOptions: { parser: tseslint.parser as never },
        plugins: { lockboard: plugin },
        rules: {
          'lockboard/layers': ['error', { allowContract }],
          'lockboard/no-server-in-client': 'error',
          'lockboard/no-cycle': 'error',
        },
      },
    ],
  });
  const [result] = await eslint.lintFiles([target]);
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const pure = { 'lib/terraform/paths.ts': 'export const lockPath = (b: string, k: string) => `${b}/${k}`;\n' };
const serverOnly = { 'lib/server/config.ts': "import 'server-only';\nexport const getConfig = () => ({ region: 'x' });\n" };

describe('lockboard/layers: lib/terraform is pure', () => {
  it('reports an import from outside lib/terraform, a package and a Node module', async () => {
    const msgs = await lint(
      { ...pure, ...serverOnly, 'lib/terraform/x.ts': "import { getConfig } from '../server/config';\nimport { z } from 'zod';\nimport fs from 'node:fs';\nexport const a = [getConfig, z, fs];\n" },
      'lib/terraform/x.ts',
    );
    expect(msgs).toEqual([
      'lockboard/layers: lib/terraform is pure: it imports nothing outside lib/terraform (found lib/server/config.ts)',
      'lockboard/layers: lib/terraform is pure: it imports no package or Node module (found zod)',
      'lockboard/layers: lib/terraform is pure: it imports no package or Node module (found fs)',
    ]);
  });
  it('accepts imports inside lib/terraform, and test tooling in its tests', async () => {
    expect(await lint({ ...pure, 'lib/terraform/x.ts': "import { lockPath } from './paths';\nexport const p = lockPath('b', 'k');\n" }, 'lib/terraform/x.ts')).toEqual([]);
    const test = { ...pure, 'scripts/lib/terraform-writer.ts': 'export class W {}\n', 'lib/terraform/x.test.ts': "import { W } from '../../scripts/lib/terraform-writer';\nimport fs from 'node:fs';\nexport const a = [W, fs];\n" };
    expect(await lint(test, 'lib/terraform/x.test.ts')).toEqual([]);
  });
});

describe('lockboard/layers: the AWS SDK', () => {
  const sdk = "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n";
  it('reports @aws-sdk outside lib/aws', async () => {
    expect(await lint({ 'lib/services/x.ts': sdk }, 'lib/services/x.ts')).toEqual(['lockboard/layers: only lib/aws imports the AWS SDK (found @aws-sdk/client-s3)']);
  });
  it('accepts it in lib/aws, tests, scripts and e2e', async () => {
    for (const f of ['lib/aws/x.ts', 'lib/services/x.int.test.ts', 'scripts/x.ts', 'e2e/x.ts']) expect(await lint({ [f]: sdk }, f)).toEqual([]);
  });
});

describe('lockboard/layers: lib/api is the contract', () => {
  it('imports only zod, lib/api and lib/terraform types', async () => {
    const files = { ...pure, ...serverOnly, 'lib/api/errors.ts': 'export class AppError {}\n' };
    const bad = "import { lockPath } from '../terraform/paths';\nimport { getConfig } from '@/lib/server/config';\nimport React from 'react';\nexport const a = [lockPath, getConfig, React];\n";
    expect(await lint({ ...files, 'lib/api/x.ts': bad }, 'lib/api/x.ts')).toEqual([
      'lockboard/layers: lib/api imports only types from lib/terraform (use `import type`): lib/terraform/paths.ts',
      'lockboard/layers: lib/api imports only zod, lib/api and lib/terraform types (found lib/server/config.ts)',
      // lib/api goes to the browser too, so the client rules hold it as well.
      'lockboard/layers: client code imports nothing from lib/server, not even types: the browser–server contract is lib/api (found lib/server/config.ts)',
      "lockboard/no-server-in-client: client code must not import @/lib/server/config: lib/server/config.ts imports 'server-only'",
      'lockboard/layers: lib/api imports only zod, lib/api and lib/terraform types (found react)',
    ]);
    const good = "import { z } from 'zod';\nimport type { lockPath } from '../terraform/paths';\nimport { AppError } from './errors';\nexport type P = typeof lockPath;\nexport const a = [z, AppError];\n";
    expect(await lint({ ...files, 'lib/api/x.ts': good }, 'lib/api/x.ts')).toEqual([]);
  });
});

describe('lockboard/layers: the browser imports its types from lib/api only', () => {
  const files = { 'lib/services/list.ts': "import 'server-only';\nexport interface Listing { n: number }\n" };
  const client = "'use client';\nimport type { Listing } from '@/lib/services/list';\nexport type L = Listing;\n";
  it('reports a type import from a server layer in a use-client file', async () => {
    expect(await lint({ ...files, 'app/x.tsx': client }, 'app/x.tsx')).toEqual([
      'lockboard/layers: client code imports nothing from lib/services, not even types: the browser–server contract is lib/api (found lib/services/list.ts)',
    ]);
  });
  it('accepts it in a server component, or in a file on the migration list', async () => {
    expect(await lint({ ...files, 'app/x.tsx': client.replace("'use client';\n", '') }, 'app/x.tsx')).toEqual([]);
    expect(await lint({ ...files, 'app/x.tsx': client }, 'app/x.tsx', ['app/x.tsx'])).toEqual([]);
  });
});

describe('lockboard/layers: direction and tooling', () => {
  it('reports lib importing app or components, and production code importing test tooling', async () => {
    const files = { 'app/thing.ts': 'export const t = 1;\n', 'components/b.tsx': 'export const B = 1;\n', 'lib/testing/env.ts': 'export const e = 1;\n' };
    const bad = "import { t } from '@/app/thing';\nimport { B } from '../../components/b';\nimport { e } from '../testing/env';\nexport const a = [t, B, e];\n";
    expect(await lint({ ...files, 'lib/services/x.ts': bad }, 'lib/services/x.ts')).toEqual([
      'lockboard/layers: only app/ imports from app/ (found app/thing.ts); move shared code to lib/ or components/',
      'lockboard/layers: lib/ imports nothing from components/ (found components/b.tsx)',
      'lockboard/layers: production code imports nothing from lib/testing (test and local-stack tooling): lib/testing/env.ts',
    ]);
  });
});

describe('lockboard/layers: server layers in order', () => {
  const files = {
    'lib/services/use-case.ts': "import 'server-only';\nexport const run = () => 1;\n",
    'lib/audit/log.ts': "import 'server-only';\nexport const audit = () => 1;\n",
    'lib/queries/locks.ts': 'export const useLocks = () => 1;\n',
    'lib/terraform/paths.ts': 'export const p = 1;\n',
  };
  it('reports an adapter importing a use case or the audit log, and server code importing browser hooks', async () => {
    const bad = "import { run } from '../services/use-case';\nimport { audit } from '@/lib/audit/log';\nimport { useLocks } from '../queries/locks';\nexport const a = [run, audit, useLocks];\n";
    expect(await lint({ ...files, 'lib/aws/x.ts': bad }, 'lib/aws/x.ts')).toEqual([
      'lockboard/layers: lib/aws sits below lib/services and imports nothing from it (found lib/services/use-case.ts)',
      'lockboard/layers: lib/aws sits below lib/audit and imports nothing from it (found lib/audit/log.ts)',
      'lockboard/layers: server code imports nothing from lib/queries (browser code): lib/queries/locks.ts',
    ]);
  });
  it('accepts a use case importing the layers below it', async () => {
    const good = "import { audit } from '../audit/log';\nimport { p } from '../terraform/paths';\nexport const a = [audit, p];\n";
    expect(await lint({ ...files, 'lib/services/x.ts': good }, 'lib/services/x.ts')).toEqual([]);
  });
  it('reports a service, a route wrapper or the audit log importing a background job; accepts a job calling a service', async () => {
    const job = { 'lib/jobs/alerting/alerting.ts': "import 'server-only';\nexport const start = () => 1;\n" };
    const bad = "import { start } from '../jobs/alerting/alerting';\nexport const a = [start];\n";
    expect(await lint({ ...files, ...job, 'lib/services/x.ts': bad }, 'lib/services/x.ts')).toEqual([
      'lockboard/layers: lib/services sits below lib/jobs and imports nothing from it (found lib/jobs/alerting/alerting.ts)',
    ]);
    expect(await lint({ ...files, ...job, 'lib/http/x.ts': bad }, 'lib/http/x.ts')).toEqual([
      'lockboard/layers: lib/http sits below lib/jobs and imports nothing from it (found lib/jobs/alerting/alerting.ts)',
    ]);
    expect(await lint({ ...files, ...job, 'lib/audit/x.ts': bad }, 'lib/audit/x.ts')).toEqual([
      'lockboard/layers: lib/audit sits below lib/jobs and imports nothing from it (found lib/jobs/alerting/alerting.ts)',
    ]);
    const good = "import { run } from '../../services/use-case';\nexport const a = [run];\n";
    expect(await lint({ ...files, 'lib/jobs/alerting/y.ts': good }, 'lib/jobs/alerting/y.ts')).toEqual([]);
  });
});

describe('lockboard/layers: lib/cli is a separate package over the JSON API', () => {
  const files = {
    ...serverOnly,
    'lib/api/locks.ts': 'export interface Lock { id: string }\n',
    'lib/api/session.ts': 'export const sessionAllows = () => true;\n',
    'lib/services/force-unlock.ts': "import 'server-only';\nexport const forceUnlock = () => 1;\n",
    'lib/terraform/paths.ts': 'export const p = 1;\n',
    'lib/cli/src/text.ts': 'export const safe = (s: string) => s;\n',
  };
  it('reports a server layer, lib/terraform, and a package that is not its dependency', async () => {
    const bad =
      "import { forceUnlock } from '../../services/force-unlock';\nimport { getConfig } from '@/lib/server/config';\nimport { p } from '../../terraform/paths';\nimport { SNSClient } from '@aws-sdk/client-sns';\nimport chalk from 'chalk';\nexport const a = [forceUnlock, getConfig, p, SNSClient, chalk];\n";
    expect(await lint({ ...files, 'lib/cli/src/x.ts': bad }, 'lib/cli/src/x.ts')).toEqual([
      'lockboard/layers: lib/cli talks to a server over the JSON API: it imports only lib/cli and the lib/api contract (found lib/services/force-unlock.ts)',
      'lockboard/layers: lib/cli talks to a server over the JSON API: it imports only lib/cli and the lib/api contract (found lib/server/config.ts)',
      'lockboard/layers: lib/cli talks to a server over the JSON API: it imports only lib/cli and the lib/api contract (found lib/terraform/paths.ts)',
      'lockboard/layers: lib/cli imports only its own dependencies (@aws-sdk/client-dynamodb, @aws-sdk/client-s3, @modelcontextprotocol/sdk, zod) and Node modules (found @aws-sdk/client-sns)',
      'lockboard/layers: lib/cli imports only its own dependencies (@aws-sdk/client-dynamodb, @aws-sdk/client-s3, @modelcontextprotocol/sdk, zod) and Node modules (found chalk)',
    ]);
  });
  it('accepts lib/api, itself, its dependencies (the heartbeat helper\'s AWS SDK clients too) and Node modules; nothing else imports it', async () => {
    const good =
      "import type { Lock } from '../../api/locks';\nimport { sessionAllows } from '../../api/session';\nimport { safe } from './text';\nimport { z } from 'zod';\nimport { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nimport crypto from 'node:crypto';\nimport { S3Client } from '@aws-sdk/client-s3';\nexport type L = Lock;\nexport const a = [sessionAllows, safe, z, McpServer, crypto, S3Client];\n";
    expect(await lint({ ...files, 'lib/cli/src/x.ts': good }, 'lib/cli/src/x.ts')).toEqual([]);
    const user = "import { safe } from '../cli/src/text';\nexport const s = safe;\n";
    expect(await lint({ ...files, 'lib/services/x.ts': user }, 'lib/services/x.ts')).toEqual(['lockboard/layers: lib/cli is the separate lockboard package: nothing else imports it (found lib/cli/src/text.ts)']);
  });
});

describe('lockboard/no-server-in-client', () => {
  const files = {
    ...serverOnly,
    'lib/services/helper.ts': "import { getConfig } from '../server/config';\nexport const region = () => getConfig().region;\nexport type Region = string;\n",
    'lib/client/format.ts': "import { region } from '../services/helper';\nexport const show = () => region();\n",
    'lib/client/pure.ts': "import type { Region } from '../services/helper';\nexport const show = (r: Region) => r;\n",
    'lib/client/disk.ts': "import fs from 'node:fs';\nexport const read = () => fs.readFileSync('x');\n",
  };
  it('reports a runtime import that reaches server-only code through other modules', async () => {
    const msgs = await lint({ ...files, 'components/view.tsx': "import { show } from '@/lib/client/format';\nexport const V = show;\n" }, 'components/view.tsx');
    expect(msgs).toEqual([
      "lockboard/no-server-in-client: client code must not import @/lib/client/format: lib/client/format.ts → lib/services/helper.ts → lib/server/config.ts imports 'server-only'",
    ]);
  });
  it('reports a Node built-in reached from a use-client file', async () => {
    const msgs = await lint({ ...files, 'app/x.tsx': "'use client';\nimport { read } from '@/lib/client/disk';\nexport const r = read;\n" }, 'app/x.tsx');
    expect(msgs).toEqual(["lockboard/no-server-in-client: client code must not import @/lib/client/disk: lib/client/disk.ts imports Node's node:fs"]);
  });
  it('follows no type-only import, and leaves server components alone', async () => {
    expect(await lint({ ...files, 'components/view.tsx': "import { show } from '@/lib/client/pure';\nexport const V = show;\n" }, 'components/view.tsx')).toEqual([]);
    expect(await lint({ ...files, 'app/page.tsx': "import { show } from '@/lib/client/format';\nexport const P = show;\n" }, 'app/page.tsx')).toEqual([]);
  });
});

describe('lockboard/no-cycle', () => {
  it('reports a cycle through several modules, type-only imports included', async () => {
    const files = {
      'lib/services/a.ts': "import { b } from './b';\nexport const a = () => b();\n",
      'lib/services/b.ts': "import { c } from '@/lib/services/c';\nexport const b = () => c;\n",
      'lib/services/c.ts': "import type { a } from './a';\nexport const c = 1;\nexport type A = typeof a;\n",
    };
    expect(await lint(files, 'lib/services/a.ts')).toEqual(['lockboard/no-cycle: import cycle: lib/services/a.ts → lib/services/b.ts → lib/services/c.ts → lib/services/a.ts']);
  });
  it('accepts a diamond', async () => {
    const files = {
      'lib/services/a.ts': "import { b } from './b';\nimport { c } from './c';\nexport const a = [b, c];\n",
      'lib/services/b.ts': "import { c } from './c';\nexport const b = c;\n",
      'lib/services/c.ts': 'export const c = 1;\n',
    };
    expect(await lint(files, 'lib/services/a.ts')).toEqual([]);
  });
});

describe("the project's eslint.config.mjs", () => {
  // The real config, on snippets placed (not written) in the real tree.
  const root = path.resolve(import.meta.dirname, '..', '..');
  const lintText = async (code: string, filePath: string) => {
    const [r] = await new ESLint({ cwd: root }).lintText(code, { filePath: path.join(root, filePath) });
    return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };
  it('holds lib/terraform to no I/O through globals, and wires the layer rules', async () => {
    const io = "export const read = async () => [process.env.HOME, await fetch('http://x')];\n";
    expect(await lintText(io, 'lib/terraform/probe-io.ts')).toEqual([
      "no-restricted-globals: Unexpected use of 'process'. lib/terraform is pure: no I/O, environment or network access.",
      "no-restricted-globals: Unexpected use of 'fetch'. lib/terraform is pure: no I/O, environment or network access.",
    ]);
    const client = "'use client';\nimport { uiSettings } from '@/lib/server/ui-settings';\nexport const s = uiSettings;\n";
    expect(await lintText(client, 'components/probe-client.tsx')).toEqual([
      'lockboard/layers: client code imports nothing from lib/server, not even types: the browser–server contract is lib/api (found lib/server/ui-settings.ts)',
      "lockboard/no-server-in-client: client code must not import @/lib/server/ui-settings: lib/server/ui-settings.ts imports 'server-only'",
    ]);
  }, 60_000);
});
