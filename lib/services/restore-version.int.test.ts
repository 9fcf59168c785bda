import crypto from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as restoreRoute } from '@/app/api/backends/[id]/restore/route';
import { getBackend } from '../server/backends';
import { AppError } from '../api/errors';
import { marshalLockInfo, parseLockInfo } from '../terraform/lock-info';
import { lockfileKey } from '../terraform/paths';
import { formatUtcTime } from '../terraform/time-text';
import { faults } from '../server/faults';
import { useBackends } from '../testing/integration-env';
import { callMutation, readAuditObjects, readDigestItem, readLockfile, readLockItem } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { RESTORED_BY_METADATA, RESTORED_FROM_METADATA, restoreVersion } from './restore-version';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('restore');
const table = uniqueName('restoretable');
const plainBucket = uniqueName('restoreplain');
const LINEAGE = '5d0c5a4e-8f3b-4d7e-9c1a-2b3c4d5e6f70';
const md5 = (bytes: string | Uint8Array) => crypto.createHash('md5').update(bytes).digest('hex');

const resource = (name: string, attrs: Record<string, unknown> = {}) => ({
  mode: 'managed',
  type: 'terraform_data',
  name,
  provider: 'provider["terraform.io/builtin/terraform"]',
  instances: [{ schema_version: 0, attributes: { id: `id-${name}`, serial: 77, ...attrs }, sensitive_attributes: [] }],
});

interface History {
  key: string;
  docs: string[];
  ids: string[];
}

/** Writes successive states of one key as Terraform does (object, then digest). */
async function history(key: string, docs: string[], opts: { bucket?: string; table?: string | null; sse?: 'AES256' | 'aws:kms' } = {}): Promise<History> {
  const ids: string[] = [];
  for (const doc of docs) {
    const put = await w.putState(opts.bucket ?? bucket, key, doc, opts.table === undefined ? table : opts.table, opts.sse ? { serverSideEncryption: opts.sse } : {});
    ids.push(put.versionId!);
  }
  return { key, docs, ids };
}

/** Three applies: resources a+b (serial 1), a only (2), a+c (3). */
function standardDocs(lineage = LINEAGE, compact = false): string[] {
  return [
    stateDocument({ serial: 1, lineage, resources: [resource('a'), resource('b')], compact }),
    stateDocument({ serial: 2, lineage, resources: [resource('a')], compact }),
    stateDocument({ serial: 3, lineage, resources: [resource('a'), resource('c')], compact }),
  ];
}

async function versionsOf(b: string, key: string) {
  const out = await w.s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: key }));
  return {
    versions: (out.Versions ?? []).filter((v) => v.Key === key),
    markers: (out.DeleteMarkers ?? []).filter((m) => m.Key === key),
  };
}

async function currentText(b: string, key: string): Promise<{ text: string; versionId: string | undefined; metadata: Record<string, string>; sse: string | undefined; contentType: string | undefined }> {
  const out = await w.s3.send(new GetObjectCommand({ Bucket: b, Key: key }));
  return { text: (await out.Body?.transformToString('utf-8')) ?? '', versionId: out.VersionId, metadata: out.Metadata ?? {}, sse: out.ServerSideEncryption, contentType: out.ContentType };
}

/** Everything a restore could change, to prove a refusal changed nothing. */
async function snapshotOf(b: string, key: string, withTable = true) {
  const { versions, markers } = await versionsOf(b, key);
  return {
    versionIds: versions.map((v) => v.VersionId).sort(),
    markers: markers.length,
    latest: versions.find((v) => v.IsLatest)?.VersionId,
    digest: withTable ? await readDigestItem(w, table, b, key) : undefined,
    lockItem: withTable ? await readLockItem(w, table, b, key) : undefined,
    lockfile: await readLockfile(w, b, key),
  };
}

const restore = (body: Record<string, unknown>, backendId = 'main', opts = {}) => callMutation(restoreRoute, 'restore', backendId, { reason: 'roll back the bad apply', ...body }, opts);

async function auditFor(b: string, key: string) {
  return (await readAuditObjects(w, b, 'lockboard-audit/')).filter((r) => r.key === key);
}

function useDefault(extra: Record<string, unknown> = {}) {
  useBackends(
    [
      { id: 'main', bucket, dynamodbTable: table, useLockfile: true },
      { id: 'ddb', bucket, dynamodbTable: table, useLockfile: false },
      { id: 'files', bucket: plainBucket, useLockfile: true },
    ],
    extra,
  );
}

const dead = (backend: ReturnType<typeof getBackend>) => ({ ...backend, id: `${backend.id}-dead`, endpoint: 'http://127.0.0.1:9' });

/** Arms test seams (lib/testing/faults.ts) right before the call that passes `value`. */
function armed<T>(value: T, arm: () => void): T {
  arm();
  return value;
}

/** A TCP endpoint that accepts connections and never answers (a stalled S3). */
async function stalledEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  // Each audit record is also a JSON log line; keep the test output readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createBucket(plainBucket);
  await w.createTable(table);
  useDefault();
});

describe('restore through POST /api/backends/{id}/restore', () => {
  it('writes the chosen version with serial + 1, fixes the digest, releases both locks, audits, deletes nothing', async () => {
    const h = await history('happy/terraform.tfstate', standardDocs());
    const before = await versionsOf(bucket, h.key);
    const lockfileBefore = await versionsOf(bucket, lockfileKey(h.key));

    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(200);

    const expected = h.docs[0]!.replace('"serial": 1,', '"serial": 4,');
    const now = await currentText(bucket, h.key);
    // Every byte of the chosen version except the serial: layout, key order, nested "serial" kept.
    expect(now.text).toBe(expected);
    expect(JSON.parse(now.text)).toMatchObject({ serial: 4, lineage: LINEAGE });
    expect(JSON.parse(now.text).resources[0].instances[0].attributes.serial).toBe(77);
    expect(now.contentType).toBe('application/json');
    expect(now.metadata[RESTORED_FROM_METADATA]).toBe(h.ids[0]);
    expect(now.metadata[RESTORED_BY_METADATA]).toBe('anonymous');
    expect(res.body).toMatchObject({ versionId: now.versionId, serial: 4, digest: md5(expected), serialBumped: true, restoredFrom: h.ids[0], previousVersionId: h.ids[2], previousSerial: 3, warnings: [] });

    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(expected));
    expect(await readLockItem(w, table, bucket, h.key)).toBeUndefined();
    expect(await readLockfile(w, bucket, h.key)).toBeNull();

    const after = await versionsOf(bucket, h.key);
    expect(after.versions).toHaveLength(before.versions.length + 1);
    expect(after.markers).toHaveLength(0);
    for (const id of h.ids) expect(after.versions.map((v) => v.VersionId)).toContain(id);

    // The .tflock it held is left as Terraform leaves one: a version plus a delete marker.
    const lockfileAfter = await versionsOf(bucket, lockfileKey(h.key));
    expect(lockfileAfter.versions).toHaveLength(lockfileBefore.versions.length + 1);
    expect(lockfileAfter.markers).toHaveLength(lockfileBefore.markers.length + 1);
    const lockBody = await (await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockfileKey(h.key), VersionId: lockfileAfter.versions[0]!.VersionId }))).Body!.transformToString('utf-8');
    const { info, problems } = parseLockInfo(lockBody);
    expect(problems).toEqual([]);
    expect(marshalLockInfo(info)).toBe(lockBody);
    expect(info).toMatchObject({ id: res.body.lockId, operation: 'lockboard-restore', who: 'anonymous@lockboard', version: '0.1.0', path: `${bucket}/${h.key}` });
    expect(info.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(info.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);

    const [record] = await auditFor(bucket, h.key);
    expect(record).toMatchObject({ action: 'restore', outcome: 'succeeded', reason: 'roll back the bad apply', user: 'anonymous' });
    // The answer names its audit record (the page links to it).
    expect(res.body).toMatchObject({ auditId: record!.id });
    expect(record?.details).toMatchObject({ restoredFrom: h.ids[0], previousVersionId: h.ids[2], changed: { objectWritten: true, newVersionId: now.versionId, digestUpdated: true, lockTaken: true, lockReleased: true } });
    // The DynamoDB Info was the same Go-compatible JSON as the .tflock body.
    expect((record?.details as { lock: { json: string } }).lock.json).toBe(lockBody);
  });

  it('keeps a compact (OpenTofu) layout and its trailing newline', async () => {
    const h = await history('compact/terraform.tfstate', standardDocs(LINEAGE, true));
    const res = await restore({ key: h.key, versionId: h.ids[1], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(200);
    expect((await currentText(bucket, h.key)).text).toBe(h.docs[1]!.replace('"serial":2', '"serial":4'));
  });

  it('answers 409 locked with the holder when DynamoDB holds a lock, and changes nothing', async () => {
    const h = await history('locked-ddb/terraform.tfstate', standardDocs());
    const holder = TerraformWriter.lockInfo(bucket, h.key, { who: 'bob@ci' });
    await w.lockDynamo(table, bucket, h.key, holder);
    const before = await snapshotOf(bucket, h.key);

    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'locked', holder: { id: holder.id, who: 'bob@ci' }, changed: { objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true } });
    expect(res.body.error?.message).toContain('bob@ci');
    // The holder's Created (nanoseconds) in the readable UTC form, not as raw RFC 3339.
    expect(res.body.error?.message).toContain(`since ${formatUtcTime(holder.created)})`);
    expect(res.body.error?.message).toMatch(/since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);
    // Our .tflock was taken first and given back; the holder's item is untouched.
    expect(await snapshotOf(bucket, h.key)).toEqual(before);
    expect(await readLockItem(w, table, bucket, h.key)).toBe(marshalLockInfo(holder));
    await w.unlockDynamo(table, bucket, h.key);
  });

  it('answers 409 locked when a .tflock holds the state, without touching DynamoDB', async () => {
    const h = await history('locked-file/terraform.tfstate', standardDocs());
    const holder = TerraformWriter.lockInfo(bucket, h.key, { who: 'carol@laptop', operation: 'OperationTypePlan' });
    await w.lockFile(bucket, h.key, holder);
    const before = await snapshotOf(bucket, h.key);

    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'locked', holder: { id: holder.id, who: 'carol@laptop', sources: ['s3'] } });
    // Refused at the first side: Lockboard took nothing, so nothing was "released" either.
    expect(res.body.error?.changed).toEqual({ objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: false, lockReleased: true });
    expect(await snapshotOf(bucket, h.key)).toEqual(before);
    expect(await readLockfile(w, bucket, h.key)).toBe(marshalLockInfo(holder));
  });

  it('answers 409 state_changed for a stale expectedCurrentVersionId, before taking any lock', async () => {
    const h = await history('stale/terraform.tfstate', standardDocs());
    const lockfileBefore = await versionsOf(bucket, lockfileKey(h.key));
    const before = await snapshotOf(bucket, h.key);
    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'state_changed', currentVersionId: h.ids[2] });
    expect(await snapshotOf(bucket, h.key)).toEqual(before);
    expect((await versionsOf(bucket, lockfileKey(h.key))).versions).toHaveLength(lockfileBefore.versions.length);
  });

  it('refuses another lineage with 422, and restores it when allowLineageChange is set', async () => {
    const key = 'lineage/terraform.tfstate';
    const h = await history(key, [stateDocument({ serial: 9, lineage: 'other-lineage', resources: [resource('x')] }), ...standardDocs()]);
    const before = await snapshotOf(bucket, key);
    const refused = await restore({ key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[3] });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe('lineage_mismatch');
    expect(refused.body.error?.message).toContain(`cannot import state with lineage "other-lineage" over unrelated state with lineage "${LINEAGE}"`);
    expect(await snapshotOf(bucket, key)).toEqual(before);

    const allowed = await restore({ key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[3], allowLineageChange: true });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ serial: 4 });
    expect(JSON.parse((await currentText(bucket, key)).text)).toMatchObject({ serial: 4, lineage: 'other-lineage' });
  });

  it('refuses an unversioned or suspended bucket with 422 not_versioned', async () => {
    const unversioned = uniqueName('restorenov');
    await w.createBucket(unversioned, false);
    await w.putState(unversioned, 'a/terraform.tfstate', stateDocument({ serial: 1, lineage: LINEAGE }));
    const suspended = uniqueName('restoresus');
    await w.createBucket(suspended);
    const h = await history('s/terraform.tfstate', standardDocs(), { bucket: suspended, table: null });
    await w.s3.send(new PutBucketVersioningCommand({ Bucket: suspended, VersioningConfiguration: { Status: 'Suspended' } }));
    useBackends([
      { id: 'nov', bucket: unversioned, useLockfile: true },
      { id: 'sus', bucket: suspended, useLockfile: true },
    ]);
    try {
      const res = await restore({ key: 'a/terraform.tfstate', versionId: 'some-version', expectedCurrentVersionId: 'null' }, 'nov');
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'not_versioned', versioning: 'Disabled' });
      const sus = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] }, 'sus');
      expect(sus.status).toBe(422);
      expect(sus.body.error).toMatchObject({ code: 'not_versioned', versioning: 'Suspended' });
      expect((await versionsOf(suspended, h.key)).versions).toHaveLength(3);
    } finally {
      useDefault();
    }
  });

  it('answers 404 version_not_found for an unknown version, a delete marker or a version of another key', async () => {
    const h = await history('notfound/terraform.tfstate', standardDocs().slice(0, 2));
    const other = await history('notfound-other/terraform.tfstate', standardDocs().slice(0, 1));
    const unknown = await restore({ key: h.key, versionId: 'no-such-version', expectedCurrentVersionId: h.ids[1] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('version_not_found');
    const foreign = await restore({ key: h.key, versionId: other.ids[0], expectedCurrentVersionId: h.ids[1] });
    expect(foreign.status).toBe(404);
    const marker = await w.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: h.key }));
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: h.key, Body: h.docs[1], ContentType: 'application/json' }));
    const latest = (await versionsOf(bucket, h.key)).versions.find((v) => v.IsLatest)!.VersionId;
    const deleted = await restore({ key: h.key, versionId: marker.VersionId, expectedCurrentVersionId: latest });
    expect(deleted.status).toBe(404);
    expect(deleted.body.error?.message).toContain('delete marker');
  });

  it('refuses bad input with a typed 400, never a 500', async () => {
    const h = await history('badinput/terraform.tfstate', standardDocs().slice(0, 2));
    for (const body of [
      { key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1], reason: '   ' },
      { key: h.key, versionId: h.ids[0] },
      { key: `${h.key}.tflock`, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1] },
      { key: h.key, versionId: h.ids[1], expectedCurrentVersionId: h.ids[1] },
      { key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1], extra: 1 },
    ]) {
      const res = await restore(body);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
    }
  });

  it('refuses a backend that has no lock mechanism at all (400), changing nothing', async () => {
    const h = await history('nolock/terraform.tfstate', standardDocs().slice(0, 2));
    const before = await snapshotOf(bucket, h.key);
    useBackends([{ id: 'nolock', bucket, useLockfile: false }]);
    try {
      const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1] }, 'nolock');
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toContain('cannot lock the state');
      expect(await snapshotOf(bucket, h.key)).toEqual(before);
    } finally {
      useDefault();
    }
  });

  it('copies an OpenTofu-encrypted version byte for byte and says the serial was not bumped', async () => {
    const envelope = (serial: number, data: string) =>
      `{"serial":${serial},"lineage":"${LINEAGE}","meta":{"key_provider.pbkdf2.main":"eyJzYWx0IjoiQUFBQSJ9"},"encrypted_data":"${data}","encryption_version":"v0"}\n`;
    const h = await history('tofu/terraform.tfstate', [envelope(1, 'Zmlyc3Q='), envelope(2, 'c2Vjb25k')]);
    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serialBumped: false, serial: 1, digest: md5(h.docs[0]!) });
    expect((res.body.warnings as string[]).join(' ')).toContain('could not be bumped');
    expect((await currentText(bucket, h.key)).text).toBe(h.docs[0]);
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(h.docs[0]!));
  });

  it('keeps the server-side encryption of the current object on the new version and the lock', async () => {
    const h = await history('sse/terraform.tfstate', standardDocs(), { sse: 'AES256' });
    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(200);
    expect((await currentText(bucket, h.key)).sse).toBe('AES256');
    const lock = (await versionsOf(bucket, lockfileKey(h.key))).versions[0]!;
    const head = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: lockfileKey(h.key), VersionId: lock.VersionId }));
    expect(head.ServerSideEncryption).toBe('AES256');
  });

  it('restores a deleted state (current version is a delete marker) from the chosen serial', async () => {
    const h = await history('deleted/terraform.tfstate', standardDocs().slice(0, 2));
    const marker = await w.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: h.key }));
    const res = await restore({ key: h.key, versionId: h.ids[1], expectedCurrentVersionId: marker.VersionId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serial: 3, previousSerial: null });
    expect((await currentText(bucket, h.key)).text).toBe(h.docs[1]!.replace('"serial": 2,', '"serial": 3,'));
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(res.body.digest);
  });

  it('works on a lockfile-only backend (no table, no digest) and a DynamoDB-only backend', async () => {
    const h = await history('files/terraform.tfstate', standardDocs(), { bucket: plainBucket, table: null });
    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] }, 'files');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serial: 4, digest: null });
    expect(await readLockfile(w, plainBucket, h.key)).toBeNull();

    const d = await history('ddb-only/terraform.tfstate', standardDocs());
    const lockfileBefore = await versionsOf(bucket, lockfileKey(d.key));
    const res2 = await restore({ key: d.key, versionId: d.ids[0], expectedCurrentVersionId: d.ids[2] }, 'ddb');
    expect(res2.status).toBe(200);
    expect(await readDigestItem(w, table, bucket, d.key)).toBe(res2.body.digest);
    expect(await readLockItem(w, table, bucket, d.key)).toBeUndefined();
    // No .tflock was touched for a backend that does not use lock files.
    expect((await versionsOf(bucket, lockfileKey(d.key))).versions).toHaveLength(lockfileBefore.versions.length);
  });

  it('is refused in read-only mode (403) with nothing changed', async () => {
    const h = await history('readonly/terraform.tfstate', standardDocs().slice(0, 2));
    const before = await snapshotOf(bucket, h.key);
    useDefault({ readOnly: true });
    try {
      const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[1] });
      expect(res.status).toBe(403);
      expect(await snapshotOf(bucket, h.key)).toEqual(before);
    } finally {
      useDefault();
    }
  });
});

describe('failures after the lock is taken (service with test seams)', () => {
  const ctx = { user: 'tester' };
  beforeEach(() => faults.setDelay('restore:digest-retry-ms', 10));
  afterEach(() => faults.reset());

  async function failure(run: Promise<unknown>): Promise<AppError> {
    const e = await run.catch((error: unknown) => error);
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }

  it('a writer that slips in after the lock: 409 state_changed, nothing written, lock released', async () => {
    const h = await history('race/terraform.tfstate', standardDocs());
    const intruder = stateDocument({ serial: 4, lineage: LINEAGE, resources: [resource('z')] });
    const e = await failure(
      restoreVersion(getBackend('main'), { key: h.key, versionId: h.ids[0]!, expectedCurrentVersionId: h.ids[2]! }, armed(ctx, () => faults.arm('restore:after-lock', async () => void (await w.putState(bucket, h.key, intruder, table))))),
    );
    expect(e.code).toBe('state_changed');
    expect(e.details.changed).toEqual({ objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true });
    expect(e.message).toContain('No object was written');
    expect((await currentText(bucket, h.key)).text).toBe(intruder);
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(intruder));
    expect(await readLockItem(w, table, bucket, h.key)).toBeUndefined();
    expect(await readLockfile(w, bucket, h.key)).toBeNull();
  });

  it('the object write refused by S3 (If-Match no longer holds): lock released, report accurate', async () => {
    const h = await history('refused/terraform.tfstate', standardDocs());
    const intruder = stateDocument({ serial: 4, lineage: LINEAGE });
    // A writer that ignores locks lands after the re-check: only S3's If-Match can catch it now.
    const e = await failure(
      restoreVersion(getBackend('main'), { key: h.key, versionId: h.ids[0]!, expectedCurrentVersionId: h.ids[2]! }, armed(ctx, () => faults.arm('restore:before-write', async () => void (await w.putState(bucket, h.key, intruder, null))))),
    );
    expect(e.code).toBe('state_changed');
    expect(e.message).toContain('S3 refused the conditional write');
    expect(e.details.changed).toEqual({ objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true });
    expect((await currentText(bucket, h.key)).text).toBe(intruder);
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(h.docs[2]!));
    expect(await readLockItem(w, table, bucket, h.key)).toBeUndefined();
    expect(await readLockfile(w, bucket, h.key)).toBeNull();
  });

  it('the object write fails (S3 unreachable for the write): lock released, nothing written', async () => {
    const h = await history('deadput/terraform.tfstate', standardDocs());
    const before = await snapshotOf(bucket, h.key);
    const e = await failure(
      restoreVersion(getBackend('main'), { key: h.key, versionId: h.ids[0]!, expectedCurrentVersionId: h.ids[2]! }, armed(ctx, () => faults.redirect('restore:put-object', dead))),
    );
    expect(e.code).toBe('aws_unreachable');
    expect(e.details.changed).toEqual({ objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true });
    expect(e.message).toContain('No object was written');
    expect(e.message).toContain('lock Lockboard took was released');
    expect(await snapshotOf(bucket, h.key)).toEqual(before);
  });

  it('the digest write fails after the object was written: retried, then digest_not_updated with the value to set', async () => {
    const h = await history('deaddigest/terraform.tfstate', standardDocs());
    const e = await failure(
      restoreVersion(getBackend('main'), { key: h.key, versionId: h.ids[0]!, expectedCurrentVersionId: h.ids[2]! }, armed(ctx, () => faults.redirect('restore:put-digest', dead))),
    );
    const now = await currentText(bucket, h.key);
    const expected = h.docs[0]!.replace('"serial": 1,', '"serial": 4,');
    expect(now.text).toBe(expected);
    expect(e.code).toBe('digest_not_updated');
    expect(e.status).toBe(502);
    expect(e.details).toMatchObject({ setDigestTo: md5(expected), changed: { objectWritten: true, newVersionId: now.versionId, digestUpdated: false, lockTaken: true, lockReleased: true } });
    expect(e.message).toContain(md5(expected));
    expect(e.message).toContain('after 3 attempts');
    // The old digest is still there (Terraform would now fail until it is set), the lock is gone.
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(h.docs[2]!));
    expect(await readLockItem(w, table, bucket, h.key)).toBeUndefined();
    expect(await readLockfile(w, bucket, h.key)).toBeNull();
    expect((await versionsOf(bucket, h.key)).versions).toHaveLength(4);
  });
  it('a PutObject that stalls: given up at its deadline, lock released, the error and audit record say nothing was written', async () => {
    const h = await history('stallput/terraform.tfstate', standardDocs());
    const before = await snapshotOf(bucket, h.key);
    const stalled = await stalledEndpoint();
    try {
      faults.redirect('restore:put-object', (b) => ({ ...b, id: `${b.id}-stalled`, endpoint: stalled.url }));
      faults.setDelay('restore:put-deadline-ms', 1500);
      const started = Date.now();
      const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(res.status).toBe(504);
      expect(res.body.error).toMatchObject({ code: 'aws_timeout', changed: { objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true } });
      expect(res.body.error?.message).toContain('No object was written');
      expect(res.body.error?.message).toContain('lock Lockboard took was released');
      expect(await snapshotOf(bucket, h.key)).toEqual(before);
      const [record] = await auditFor(bucket, h.key);
      expect(record).toMatchObject({ outcome: 'failed', errorCode: 'aws_timeout', details: { changed: { objectWritten: false, digestUpdated: false, lockTaken: true, lockReleased: true } } });
    } finally {
      await stalled.close();
    }
  });

  it('a restore that succeeded but could not release its lock: 200 with lock.released false and the way out, audited as such', async () => {
    const h = await history('stucklock/terraform.tfstate', standardDocs());
    faults.redirect('restore:release-lock', dead);
    const res = await restore({ key: h.key, versionId: h.ids[0], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(200);
    const lockId = res.body.lockId as string;
    expect(res.body.lock).toMatchObject({ released: false, id: lockId, forceUnlock: `terraform force-unlock '${lockId}'` });
    expect((res.body.lock as { reason: string }).reason).toMatch(/could not be released/);
    const now = await currentText(bucket, h.key);
    expect(res.body.versionId).toBe(now.versionId);
    expect(await readDigestItem(w, table, bucket, h.key)).toBe(md5(now.text));
    // The lock really is still there (both sides), exactly as the answer says.
    expect(parseLockInfo(await readLockItem(w, table, bucket, h.key)).info.id).toBe(lockId);
    expect(parseLockInfo(await readLockfile(w, bucket, h.key)).info.id).toBe(lockId);
    const [record] = await auditFor(bucket, h.key);
    expect(record).toMatchObject({ outcome: 'succeeded', details: { changed: { objectWritten: true, digestUpdated: true, lockTaken: true, lockReleased: false }, lockLeft: { id: lockId } } });
    await w.unlockDynamo(table, bucket, h.key);
    await w.unlockFile(bucket, h.key);
  });
});



describe('restored-from marks', () => {
  it('marks exactly the versions a restore wrote, by their S3 metadata', async () => {
    const { restoreMarks } = await import('./restore-marks');
    const { GET: marksRoute } = await import('@/app/api/backends/[id]/restore-marks/route');
    const h = await history('marks/terraform.tfstate', standardDocs());
    const res = await restore({ key: h.key, versionId: h.ids[1], expectedCurrentVersionId: h.ids[2] });
    expect(res.status).toBe(200);
    const newId = res.body.versionId as string;
    const marks = await restoreMarks(getBackend('main'), h.key, [newId, ...h.ids]);
    // The operator is recorded too (anonymous in auth mode none), with the lock Lockboard held.
    const restoredBy = { [newId]: { by: 'anonymous', lockId: res.body.lockId } };
    expect(marks).toEqual({ key: h.key, marks: { [newId]: h.ids[1] }, restoredBy, unreadable: [] });

    const url = `http://lockboard.test/api/backends/main/restore-marks?${new URLSearchParams([['key', h.key], ['v', newId], ['v', h.ids[0]!]])}`;
    const response = await marksRoute(new Request(url), { params: Promise.resolve({ id: 'main' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ key: h.key, marks: { [newId]: h.ids[1] }, restoredBy, unreadable: [] });
    const bad = await marksRoute(new Request(`http://lockboard.test/api/backends/main/restore-marks?key=${encodeURIComponent(`${h.key}.tflock`)}`), { params: Promise.resolve({ id: 'main' }) });
    expect(bad.status).toBe(400);
  });
});
