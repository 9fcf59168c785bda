import 'server-only';
/**
 * The states and locks listings as a change feed and as pages (lib/api/listing.ts). Each evaluated
 * listing (one per backend read and second, shared by every viewer: snapshot-memo) gets a version
 * once; the last few versions of each backend are kept so that `?since=` answers only what changed.
 * Sorted orders are computed once per version and sort. Memory: a few versions of references to rows
 * the server holds anyway.
 */
import { AppError } from '../api/errors';
import { lockIdentity, type ListingChanges, type ListingPage, type LocksListingQuery, type StatesListingQuery } from '../api/listing';
import type { LocksResult } from '../api/locks';
import type { StateEntry, StatesResult } from '../api/states';
import type { BackendConfig } from '../server/config';
import { DIGEST_STATUSES } from '../terraform/digest';
import { hash53, listingDelta, listingVersion, type ListingVersion } from '../terraform/listing-delta';
import { decodeCursor, matchesText, pageAfter, sortListing, type SortSpec } from '../terraform/listing-page';
import type { Lock, LockProblem } from '../terraform/locks';

/** Versions kept per backend and listing: a poll every few seconds finds its own among them. */
const KEPT_VERSIONS = 6;
/** Sorted orders kept per version (one per sort the viewers use). */
const KEPT_SORTS = 6;

interface Versioned<T> {
  version: ListingVersion<T>;
  sorted: Map<string, T[]>;
}

const versionsOf = new WeakMap<object, Versioned<unknown>>();
const recent = new Map<string, Array<Versioned<unknown>>>();

const extraOf = (r: { errors: unknown[]; notices: string[] }) => JSON.stringify([r.errors, r.notices]);

/** A state's content without nothing volatile; its lock without the age, which grows every second. */
function stateFingerprint(s: StateEntry): string {
  // Plain concatenation (NUL-separated): the fields never hold NUL, and it is several times cheaper than JSON at 20,000 rows.
  return `${s.etag}\u0000${s.size}\u0000${s.lastModified}\u0000${s.digest}\u0000${s.digestStatus}\u0000${s.digestReason ?? ''}\u0000${s.calculatedMd5 ?? ''}\u0000${s.lock ? lockFingerprint(s.lock) : ''}`;
}

/** A lock without what grows every second: its age and its liveness's ages (a new heartbeat or verdict still counts). */
function lockFingerprint(l: Lock): string {
  const liveness = l.liveness ? { ...l.liveness, ageSeconds: undefined, heartbeatAgeSeconds: undefined } : l.liveness;
  return JSON.stringify({ ...l, ageSeconds: undefined, liveness });
}

/** Each row's hashed fingerprint, kept with the row object: a state not locked is the same object from one second to the next (list-states). */
const fingerprints = new WeakMap<object, string>();

function cachedFingerprint<T extends object>(fingerprint: (t: T) => string): (t: T) => string {
  return (t) => {
    let fp = fingerprints.get(t);
    if (fp === undefined) fingerprints.set(t, (fp = hash53(fingerprint(t))));
    return fp;
  };
}

function versioned<T extends object>(feed: string, result: object, items: readonly T[], identity: (t: T) => string, fingerprint: (t: T) => string, extra: string): Versioned<T> {
  const known = versionsOf.get(result) as Versioned<T> | undefined;
  if (known) return known;
  const v: Versioned<T> = { version: listingVersion(items, identity, cachedFingerprint(fingerprint), extra), sorted: new Map() };
  versionsOf.set(result, v as Versioned<unknown>);
  const list = recent.get(feed) ?? [];
  // The same content read again is the same version: keep the newest object, one entry per token.
  const others = list.filter((x) => x.version.token !== v.version.token);
  recent.set(feed, [v as Versioned<unknown>, ...others].slice(0, KEPT_VERSIONS));
  return v;
}

function changesSince<T>(feed: string, current: Versioned<T>, since: string, meta: Omit<ListingChanges<T>, 'full' | 'changed' | 'removed'>): ListingChanges<T> {
  if (since === current.version.token) return { ...meta, full: false, changed: [], removed: [] };
  const old = (recent.get(feed) ?? []).find((x) => x.version.token === since) as Versioned<T> | undefined;
  if (!old) return { ...meta, full: true, changed: [...current.version.entries.values()].map(([, item]) => item), removed: [] };
  return { ...meta, full: false, ...listingDelta(old.version, current.version) };
}

function sortedBy<T>(v: Versioned<T>, name: string, spec: SortSpec<T>): T[] {
  let sorted = v.sorted.get(name);
  if (!sorted) {
    sorted = sortListing([...v.version.entries.values()].map(([, item]) => item), spec);
    if (v.sorted.size >= KEPT_SORTS) v.sorted.clear();
    v.sorted.set(name, sorted);
  }
  return sorted;
}

function cursorOf(cursor: string | undefined) {
  if (cursor === undefined) return null;
  const position = decodeCursor(cursor);
  if (!position) throw new AppError('bad_request', 'Invalid request: cursor: not a cursor Lockboard made (pass back `next` from the previous page)', { problems: ['cursor: not a cursor Lockboard made'] });
  return position;
}

function codes<T extends string>(list: string | undefined, known: readonly string[], what: string): Set<T> | null {
  if (list === undefined) return null;
  const asked = list.split(',');
  const unknown = asked.filter((c) => !known.includes(c));
  if (unknown.length > 0) throw new AppError('bad_request', `Invalid request: ${what}: unknown ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')} (known: ${known.join(', ')})`, { problems: [`${what}: unknown code`] });
  return new Set(asked as T[]);
}

const STATE_SORTS: Record<string, (s: StateEntry) => string | number | null> = {
  key: (s) => s.key,
  modified: (s) => (s.lastModified === null ? null : Date.parse(s.lastModified)),
  size: (s) => s.size,
};

export type StatesAnswer = (StatesResult & { token: string }) | ListingChanges<StateEntry> | ListingPage<StateEntry>;

/** The states listing as the query asks: whole (with its token), the changes since a token, or a page. */
export function answerStates(backend: BackendConfig, result: StatesResult, query: StatesListingQuery): StatesAnswer {
  const feed = `states ${backend.id}`;
  const v = versioned(feed, result, result.states, (s) => s.key, stateFingerprint, extraOf(result));
  const meta = { token: v.version.token, fetchedAt: result.fetchedAt, errors: result.errors, notices: result.notices };
  if (query.since !== undefined) return changesSince(feed, v, query.since, meta);
  if (query.limit === undefined) return { ...result, token: v.version.token };
  const statuses = codes(query.status, DIGEST_STATUSES, 'status');
  const sort = query.sort ?? 'key';
  const name = sort.replace(/^-/, '');
  const spec: SortSpec<StateEntry> = { value: STATE_SORTS[name]!, descending: sort.startsWith('-'), identity: (s) => s.key };
  const needle = (query.q ?? '').toLowerCase();
  const rows = sortedBy(v, sort, spec).filter(
    (s) =>
      (statuses === null || statuses.has(s.digestStatus)) &&
      (query.locked === undefined || (s.lock !== null) === (query.locked === '1')) &&
      matchesText(needle, [s.key, s.workspace, s.lock?.who, s.lock?.id]),
  );
  const page = pageAfter(rows, spec, query.limit, cursorOf(query.cursor));
  return { ...meta, rows: page.items, total: page.total, next: page.next };
}

const LOCK_PROBLEMS: readonly LockProblem[] = ['malformed_info', 'missing_id', 'bad_created', 'split_lock', 'path_mismatch', 'other_bucket', 'unreadable_lockfile', 'oversized'];

const LOCK_SORTS: Record<string, (l: Lock) => string | number | null> = {
  key: (l) => l.key,
  age: (l) => l.ageSeconds,
};

export type LocksAnswer = (LocksResult & { token: string }) | ListingChanges<Lock> | ListingPage<Lock>;

/** The locks listing as the query asks (see answerStates). `problem=any` keeps locks with any problem. */
export function answerLocks(backend: BackendConfig, result: LocksResult, query: LocksListingQuery): LocksAnswer {
  const feed = `locks ${backend.id}`;
  const v = versioned(feed, result, result.locks, lockIdentity, lockFingerprint, extraOf(result));
  const meta = { token: v.version.token, fetchedAt: result.fetchedAt, errors: result.errors, notices: result.notices };
  if (query.since !== undefined) return changesSince(feed, v, query.since, meta);
  if (query.limit === undefined) return { ...result, token: v.version.token };
  const problems = query.problem === 'any' ? null : codes<LockProblem>(query.problem, LOCK_PROBLEMS, 'problem');
  const sort = query.sort ?? 'key';
  const name = sort.replace(/^-/, '');
  const spec: SortSpec<Lock> = { value: LOCK_SORTS[name]!, descending: sort.startsWith('-'), identity: lockIdentity };
  const needle = (query.q ?? '').toLowerCase();
  const rows = sortedBy(v, sort, spec).filter(
    (l) =>
      (query.stale === undefined || l.stale === (query.stale === '1')) &&
      (query.problem !== 'any' || l.problems.length > 0) &&
      (problems === null || l.problems.some((p) => problems.has(p))) &&
      matchesText(needle, [l.path, l.workspace, l.who, l.operation, l.id, l.version]),
  );
  const page = pageAfter(rows, spec, query.limit, cursorOf(query.cursor));
  return { ...meta, rows: page.items, total: page.total, next: page.next };
}

/** Tests: forget the kept versions. */
export function resetListingFeedsForTests(): void {
  recent.clear();
}
