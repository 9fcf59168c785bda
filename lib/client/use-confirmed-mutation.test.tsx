/**
 * The hook behind every confirmed action, with the real unlock mutation and fetchJson against a
 * stubbed `fetch` (the server's answers as JSON): success closes the dialog and announces it; a
 * conflict comes back typed by its code (no cast), anything else as the other error.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { useUnlock } from '@/lib/queries/unlock';
import { announce, dismissNotice, useActionNotices } from './action-notices';
import { useConfirmedMutation } from './use-confirmed-mutation';

const lock: Lock = {
  id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12',
  operation: 'OperationTypeApply',
  info: '',
  who: 'ci@runner-17',
  version: '1.11.4',
  created: '2026-12-04T08:00:00Z',
  path: 'tf-state/app/terraform.tfstate',
  key: 'app/terraform.tfstate',
  workspace: 'default',
  sources: ['dynamodb'],
  ageSeconds: 3600,
  stale: false,
  problems: [],
  seen: { dynamodbInfo: '{"ID":"3a7c2e1f"}' },
};

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

function renderFlow() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(
    () => {
      // As the unlock action wires it: the conflict code alone types the conflict.
      const flow = useConfirmedMutation(
        useUnlock('prod', (result, unlocked) => announce({ tone: 'success', title: `Force-unlocked ${unlocked.key}.`, lines: [], audit: [{ backend: 'prod', id: result.auditId }], testId: 'unlock-notice' })),
        'lock_changed',
      );
      return { flow, notices: useActionNotices() };
    },
    { wrapper },
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('useConfirmedMutation', () => {
  it('on success closes the dialog and the page announces it with its audit record', async () => {
    const fetchStub = answer(200, { released: true, sources: ['dynamodb'], alreadyReleased: [], auditId: 'rec-1' });
    vi.stubGlobal('fetch', fetchStub);
    const { result } = renderFlow();
    act(() => result.current.flow.open(lock));
    expect(result.current.flow.target).toBe(lock);
    const onSuccess = vi.fn();
    act(() => result.current.flow.confirm({ lock, reason: 'runner gone' }, onSuccess));
    await waitFor(() => expect(result.current.flow.target).toBeNull());
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(result.current.flow.error).toBeNull();
    expect(result.current.flow.conflict).toBeNull();
    const notice = result.current.notices.find((n) => n.testId === 'unlock-notice');
    expect(notice).toMatchObject({ tone: 'success', title: 'Force-unlocked app/terraform.tfstate.', audit: [{ backend: 'prod', id: 'rec-1' }] });
    // What was posted: exactly the lock shown, with the reason.
    const [url, init] = fetchStub.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/backends/prod/unlock');
    expect(JSON.parse(String(init.body))).toMatchObject({ key: lock.key, id: lock.id, reason: 'runner gone', seen: { dynamodbInfo: lock.seen.dynamodbInfo } });
    dismissNotice(notice!.id);
  });

  it('a conflict of its code comes back typed: the lock held now, without a cast; the dialog stays open', async () => {
    const current = { ...lock, id: 'ffff0000-1111-2222-3333-444455556666', who: 'maria@laptop' };
    vi.stubGlobal('fetch', answer(409, { error: { code: 'lock_changed', message: 'The lock is no longer the one shown.', backend: 'prod', key: lock.key, current, currentLocks: [current], released: [] } }));
    const { result } = renderFlow();
    act(() => result.current.flow.open(lock));
    act(() => result.current.flow.confirm({ lock, reason: 'runner gone' }));
    await waitFor(() => expect(result.current.flow.conflict).not.toBeNull());
    const conflict = result.current.flow.conflict!;
    expectTypeOf(conflict.details.current).toEqualTypeOf<Lock | null>();
    expect(conflict.code).toBe('lock_changed');
    expect(conflict.details.current?.who).toBe('maria@laptop');
    expect(result.current.flow.error).toBeNull();
    expect(result.current.flow.target).toBe(lock);
  });

  it('any other failure is the error (through toClientError: a dead network is network_error), not the conflict', async () => {
    vi.stubGlobal('fetch', answer(503, { error: { code: 'aws_unreachable', message: 'DynamoDB did not answer.', backend: 'prod', service: 'DynamoDB', resource: 'tf-locks', awsError: 'ECONNREFUSED' } }));
    const { result } = renderFlow();
    act(() => result.current.flow.confirm({ lock, reason: 'x' }));
    await waitFor(() => expect(result.current.flow.error?.code).toBe('aws_unreachable'));
    expect(result.current.flow.conflict).toBeNull();

    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    act(() => result.current.flow.open(lock));
    expect(result.current.flow.error).toBeNull();
    act(() => result.current.flow.confirm({ lock, reason: 'x' }));
    await waitFor(() => expect(result.current.flow.error?.code).toBe('network_error'));
  });
});
