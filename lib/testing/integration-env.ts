/**
 * Integration-test plumbing: points Lockboard at backends on the moto server started by
 * `scripts/with-moto.ts` (MOTO_ENDPOINT), and resets every process-wide cache between tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resetClientsForTests } from '../aws/clients';
import { clearCache } from '../server/cache';
import { resetConfigForTests } from '../server/config';
import { resetAwsCallCounts } from '../server/metrics';

export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: run integration tests with `npm run test:integration`');
  return endpoint;
}

export interface TestBackend {
  id: string;
  bucket: string;
  dynamodbTable?: string;
  useLockfile?: boolean;
  endpoint?: string;
  scanSegments?: number;
  scanPageSize?: number;
  stateSuffixes?: string[];
  workspaceKeyPrefix?: string;
  awsTimeoutSeconds?: number;
}

/** Writes a config file for these backends and makes the app load it fresh. */
export function useBackends(backends: TestBackend[], extra: Record<string, unknown> = {}): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-test-')), 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ backends: backends.map((b) => ({ region: 'us-east-1', forcePathStyle: true, ...b })), cacheSeconds: 0, watchIntervalSeconds: 0, ...extra }),
  );
  process.env.LOCKBOARD_CONFIG = file;
  resetConfigForTests();
  resetClientsForTests();
  clearCache();
  resetAwsCallCounts();
}
