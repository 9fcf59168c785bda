import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { BACKEND_ENV, SETTINGS_ENV } from './config-env';

function configFile(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-config-')), 'c.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig from the environment', () => {
  it('builds one backend with Terraform-like defaults', () => {
    const c = loadConfig({ LOCKBOARD_BUCKET: 'tf-state', LOCKBOARD_DYNAMODB_TABLE: 'tf-locks', AWS_REGION: 'eu-west-1' });
    expect(c.backends).toEqual([
      expect.objectContaining({ id: 'default', name: 'tf-state', bucket: 'tf-state', dynamodbTable: 'tf-locks', region: 'eu-west-1', workspaceKeyPrefix: 'env:', useLockfile: false, forcePathStyle: false, stateSuffixes: ['.tfstate'] }),
    ]);
    expect(c).toMatchObject({ staleAfterMinutes: 120, pollIntervalSeconds: 5, authMode: 'none', authUserHeader: 'x-forwarded-email', readOnly: false, auditPrefix: 'lockboard-audit/' });
  });

  it('locks with .tflock files only when there is no table', () => {
    const c = loadConfig({ LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1', LOCKBOARD_S3_FORCE_PATH_STYLE: 'true', LOCKBOARD_WORKSPACE_KEY_PREFIX: 'workspaces' });
    expect(c.backends[0]).toMatchObject({ dynamodbTable: null, useLockfile: true, forcePathStyle: true, workspaceKeyPrefix: 'workspaces' });
  });

  it('lists every problem with the variable at fault', () => {
    const problems = problemsOf({ LOCKBOARD_S3_FORCE_PATH_STYLE: 'maybe', LOCKBOARD_STALE_AFTER_MINUTES: '-3', LOCKBOARD_AUTH_MODE: 'oidc' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^LOCKBOARD_BUCKET: required/),
        expect.stringMatching(/^AWS_REGION: required/),
        expect.stringMatching(/^LOCKBOARD_S3_FORCE_PATH_STYLE: expected true or false/),
        expect.stringMatching(/^LOCKBOARD_STALE_AFTER_MINUTES: expected a number/),
        expect.stringMatching(/^LOCKBOARD_AUTH_MODE: expected "none" or "proxy"/),
      ]),
    );
  });

  it('rejects a workspace prefix Terraform would reject', () => {
    expect(problemsOf({ LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1', LOCKBOARD_WORKSPACE_KEY_PREFIX: '/env' })).toEqual([expect.stringMatching(/^LOCKBOARD_WORKSPACE_KEY_PREFIX: must not start or end/)]);
  });

  it('reads operators, read-only and the auth header', () => {
    const c = loadConfig({ LOCKBOARD_BUCKET: 'b-1', AWS_REGION: 'us-east-1', LOCKBOARD_AUTH_MODE: 'proxy', LOCKBOARD_AUTH_USER_HEADER: 'X-Auth-Request-Email', LOCKBOARD_OPERATORS: 'a@x.io, b@x.io', LOCKBOARD_READ_ONLY: 'true' });
    expect(c).toMatchObject({ authMode: 'proxy', authUserHeader: 'x-auth-request-email', operators: ['a@x.io', 'b@x.io'], readOnly: true });
  });
});

describe('loadConfig from a JSON file', () => {
  it('reads several backends, with the region falling back to AWS_REGION', () => {
    const file = configFile({
      backends: [
        { id: 'prod', name: 'Production', bucket: 'prod-state', dynamodbTable: 'prod-locks', useLockfile: true, roleArn: 'arn:aws:iam::123456789012:role/lockboard' },
        { id: 'dev', bucket: 'dev-state', region: 'eu-central-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true },
      ],
      staleAfterMinutes: 30,
      operators: ['ops@x.io'],
    });
    const c = loadConfig({ LOCKBOARD_CONFIG: file, AWS_REGION: 'us-east-2' });
    expect(c.backends.map((b) => [b.id, b.region, b.useLockfile, b.roleArn, b.endpoint])).toEqual([
      ['prod', 'us-east-2', true, 'arn:aws:iam::123456789012:role/lockboard', null],
      ['dev', 'eu-central-1', true, null, 'http://127.0.0.1:4566'],
    ]);
    expect(c.staleAfterMinutes).toBe(30);
    expect(c.operators).toEqual(['ops@x.io']);
  });

  it('names the JSON path of every problem', () => {
    const file = configFile({ backends: [{ id: 'a', bucket: 'x' }, { id: 'a', bucket: 'ok-bucket', roleArn: 'nope', extra: 1 }], staleAfterMinutes: 'soon' });
    const problems = problemsOf({ LOCKBOARD_CONFIG: file, AWS_REGION: 'us-east-1' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('backends[0].bucket'),
        expect.stringContaining('backends[1].roleArn'),
        expect.stringContaining('backends[1]'),
        expect.stringContaining('staleAfterMinutes'),
      ]),
    );
  });

  it('reports an unreadable or invalid file', () => {
    expect(problemsOf({ LOCKBOARD_CONFIG: '/nonexistent/lockboard.json' })).toEqual([expect.stringMatching(/^LOCKBOARD_CONFIG: cannot read .*ENOENT/)]);
    expect(problemsOf({ LOCKBOARD_CONFIG: configFile('{ not json') })).toEqual([expect.stringMatching(/^LOCKBOARD_CONFIG: .* is not valid JSON/)]);
  });

  it('detects duplicate backend ids and a missing region', () => {
    const file = configFile({ backends: [{ id: 'a', bucket: 'bucket-1' }, { id: 'a', bucket: 'bucket-2' }] });
    const problems = problemsOf({ LOCKBOARD_CONFIG: file });
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('backends[1].id: duplicate id "a"'), expect.stringContaining('backends[0].region: required')]));
  });
});

describe('trust-boundary settings', () => {
  const env = { LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1' };

  it('defaults: groups header, viewer for everyone, loopback hosts, 127.0.0.1 in mode none and 0.0.0.0 in mode proxy', () => {
    const c = loadConfig(env);
    expect(c).toMatchObject({ authGroupsHeader: 'x-forwarded-groups', defaultRole: 'viewer', accessRules: [], authJwt: null, publicUrl: null, listenHost: '127.0.0.1', metricsToken: null });
    expect(c.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConfig({ ...env, LOCKBOARD_AUTH_MODE: 'proxy' }).listenHost).toBe('0.0.0.0');
    expect(loadConfig({ ...env, LOCKBOARD_LISTEN_HOST: '0.0.0.0' }).listenHost).toBe('0.0.0.0');
    expect(loadConfig({ ...env, LOCKBOARD_PUBLIC_URL: 'https://Locks.Example.com:8443/x' }).allowedHosts).toContain('locks.example.com:8443');
  });

  it('validates rules, authJwt and the metrics token', () => {
    const file = configFile({
      backends: [{ id: 'a', bucket: 'tf-state', region: 'us-east-1' }],
      accessRules: [{ role: 'admin', users: ['x'] }, { role: 'viewer' }],
      authJwt: { type: 'jwks', jwksUrl: 'not a url', issuer: 'i', audience: 'a' },
    });
    const problems = problemsOf({ LOCKBOARD_CONFIG: file, LOCKBOARD_DEFAULT_ROLE: 'root', LOCKBOARD_METRICS_TOKEN: 'short' });
    expect(problems.join('\n')).toMatch(/accessRules\[0\]\.role/);
    expect(problems.join('\n')).toMatch(/accessRules\[1\].*at least one user or group/);
    expect(problems.join('\n')).toMatch(/authJwt\.jwksUrl/);
    expect(problems.join('\n')).toMatch(/LOCKBOARD_DEFAULT_ROLE/);
    expect(problems.join('\n')).toMatch(/LOCKBOARD_METRICS_TOKEN/);
  });

  const signer = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/lockboard/50dc6c495c0c9188';
  const alb = (authJwt: Record<string, unknown>) => configFile({ backends: [{ id: 'a', bucket: 'tf-state', region: 'us-east-1' }], authMode: 'proxy', authJwt: { type: 'alb', ...authJwt } });

  it('an ALB verifier gets the AWS key endpoint, the header and the region of its signer by default', () => {
    const file = alb({ signer, issuer: 'https://idp.example.com', clientId: 'lockboard' });
    expect(loadConfig({ LOCKBOARD_CONFIG: file }).authJwt).toMatchObject({ type: 'alb', header: 'x-amzn-oidc-data', region: 'eu-west-1', signer, issuer: 'https://idp.example.com', clientId: 'lockboard', keyUrlTemplate: 'https://public-keys.auth.elb.{region}.amazonaws.com/{kid}', userClaim: 'email', clockSkewSeconds: 30 });
  });

  it('refuses an ALB verifier that would accept any load balancer, IdP or client: signer, issuer and clientId are required', () => {
    // AWS serves every ALB's keys of a region from one endpoint: without `signer`, a token minted by
    // any other load balancer verified.
    const problems = problemsOf({ LOCKBOARD_CONFIG: alb({ region: 'eu-west-1' }) });
    expect(problems).toEqual([
      expect.stringMatching(/^LOCKBOARD_CONFIG authJwt\.signer: required: the ARN of the load balancer/),
      expect.stringMatching(/^LOCKBOARD_CONFIG authJwt\.issuer: required/),
      expect.stringMatching(/^LOCKBOARD_CONFIG authJwt\.clientId: required/),
    ]);
    expect(problemsOf({ LOCKBOARD_CONFIG: alb({ signer: 'lb-1', issuer: 'i', clientId: 'c' }) })).toEqual([expect.stringMatching(/authJwt\.signer: must be an Application Load Balancer ARN/)]);
    expect(problemsOf({ LOCKBOARD_CONFIG: alb({ signer, issuer: 'i', clientId: 'c', region: 'us-east-1' }) })).toEqual([expect.stringMatching(/authJwt\.region: "us-east-1" is not the region of the signer ARN \(eu-west-1\)/)]);
  });
});

describe('environment overrides', () => {
  const env = { LOCKBOARD_BUCKET: 'tf-state', AWS_REGION: 'us-east-1' };

  it('each variable of the table sets its key, over the file', () => {
    const file = configFile({ backends: [{ id: 'a', bucket: 'tf-state', region: 'us-east-1' }], pollIntervalSeconds: 30, operators: ['file@x.io'], auditPrefix: 'audit/' });
    const c = loadConfig({ LOCKBOARD_CONFIG: file, LOCKBOARD_POLL_INTERVAL_SECONDS: '7', LOCKBOARD_OPERATORS: '', LOCKBOARD_AUDIT_PREFIX: '', LOCKBOARD_MAX_HEAVY_READS: '5', LOCKBOARD_ALLOWED_HOSTS: 'Locks.Example.com' });
    expect(c).toMatchObject({ pollIntervalSeconds: 7, operators: [], auditPrefix: '', maxHeavyReads: 5 });
    expect(c.allowedHosts).toContain('locks.example.com');
    // Unset or empty: the file's value stays.
    expect(loadConfig({ LOCKBOARD_CONFIG: file, LOCKBOARD_POLL_INTERVAL_SECONDS: '' }).pollIntervalSeconds).toBe(30);
  });

  it('a value the schema refuses is named by its variable, the secret token never echoed', () => {
    const problems = problemsOf({ ...env, LOCKBOARD_MAX_HEAVY_READS: '0', LOCKBOARD_METRICS_MAX_LOCKS: '1.5', LOCKBOARD_PUBLIC_URL: 'ftp://x', LOCKBOARD_METRICS_TOKEN: 'short-secret' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'LOCKBOARD_MAX_HEAVY_READS: expected a number >= 1, got "0"',
        'LOCKBOARD_METRICS_MAX_LOCKS: expected a whole number, got "1.5"',
        'LOCKBOARD_PUBLIC_URL: expected an http(s) URL, got "ftp://x"',
        'LOCKBOARD_METRICS_TOKEN: at least 16 characters',
      ]),
    );
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('every variable of the tables is documented in docs/configuration.md', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    for (const row of [...SETTINGS_ENV, ...BACKEND_ENV]) {
      expect(doc, row.env).toContain(`\`${row.env}\``);
      if (SETTINGS_ENV.some((s) => s.env === row.env)) expect(doc, row.env).toMatch(new RegExp(`\\| \`${row.env}\` \\| \`${row.key}\` \\|`));
    }
  });
});

describe('watching and alerting settings', () => {
  const backends = [{ id: 'prod', bucket: 'tf-state', region: 'us-east-1' }];

  it('defaults: watch every 10 s, remind every 240 min, no channels', () => {
    const c = loadConfig({ LOCKBOARD_CONFIG: configFile({ backends }) });
    expect(c).toMatchObject({ watchIntervalSeconds: 10, remindAfterMinutes: 240, publicUrl: null, metricsMaxLocks: 500, channels: [] });
  });

  it('resolves channel secrets from the variables the file names', () => {
    const file = configFile({
      backends,
      publicUrl: 'https://lockboard.example.com/',
      channels: [
        { name: 'hook', type: 'webhook', url: 'https://hooks.example.com/lb', secretEnv: 'HOOK_SECRET', keys: ['prod/**'] },
        { name: 'chat', type: 'slack', urlEnv: 'SLACK_URL', events: ['lock.stale'] },
        { name: 'topic', type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:111122223333:lockboard' },
      ],
    });
    const c = loadConfig({ LOCKBOARD_CONFIG: file, HOOK_SECRET: 's', SLACK_URL: 'https://hooks.slack.com/services/T/B/X' });
    expect(c.publicUrl).toBe('https://lockboard.example.com');
    expect(c.channels).toEqual([
      expect.objectContaining({ name: 'hook', type: 'webhook', secret: 's', keys: ['prod/**'], timeoutMs: 5000, retries: 3 }),
      expect.objectContaining({ name: 'chat', type: 'slack', url: 'https://hooks.slack.com/services/T/B/X', events: ['lock.stale'] }),
      expect.objectContaining({ name: 'topic', type: 'sns', region: 'eu-west-1' }),
    ]);
  });

  it('refuses to start on a missing secret variable, a bad URL, an unknown backend or the removed cacheStaleSeconds, naming each', () => {
    const file = configFile({
      backends,
      cacheStaleSeconds: 60,
      channels: [
        { name: 'hook', type: 'webhook', url: 'https://hooks.example.com/lb', secretEnv: 'MISSING_SECRET', backends: ['nope'] },
        { name: 'bad', type: 'webhook', url: 'not a url', secretEnv: 'X' },
        { name: 'chat', type: 'slack', urlEnv: 'SLACK_URL' },
      ],
    });
    const problems = problemsOf({ LOCKBOARD_CONFIG: file, X: 'x', SLACK_URL: 'javascript:alert(1)' });
    expect(problems.join('\n')).toMatch(/channels\[1\]\.url/);
    // A schema problem stops before secrets are read: fix it and the rest shows.
    const file2 = configFile({ backends, cacheStaleSeconds: 60, channels: [{ name: 'hook', type: 'webhook', url: 'https://hooks.example.com/lb', secretEnv: 'MISSING_SECRET', backends: ['nope'] }, { name: 'chat', type: 'slack', urlEnv: 'SLACK_URL' }] });
    const more = problemsOf({ LOCKBOARD_CONFIG: file2, SLACK_URL: 'javascript:alert(1)' });
    expect(more).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/channels\[0\] \(hook\): environment variable MISSING_SECRET .* is not set/),
        expect.stringMatching(/channels\[0\]\.backends: no backend with id "nope"/),
        expect.stringMatching(/channels\[1\] \(chat\): environment variable SLACK_URL is not an http\(s\) URL/),
        expect.stringMatching(/cacheStaleSeconds: removed/),
      ]),
    );
  });
});
