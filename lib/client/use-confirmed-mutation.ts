'use client';
import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { AppError, ErrorCode } from '@/lib/api/errors';
import { toClientError } from '@/lib/queries/fetch-json';

/**
 * `C`: the conflict code the action expects (the thing changed since it was shown), so that
 * `conflict.details` has that code's type (`lock_changed`: `current: Lock | null`); `never` without one.
 */
export interface ConfirmedMutation<T, V, R, C extends ErrorCode = never> {
  /** What the open dialog is about, as it was when opened (polling may change the row meanwhile); null when closed. */
  target: T | null;
  /** Changes at every opening: the dialog's React key, so each opening starts with empty fields. */
  openings: number;
  open: (target: T) => void;
  close: () => void;
  /** Runs the mutation; the dialog closes on success. */
  confirm: (variables: V, onSuccess?: (result: R) => void) => void;
  pending: boolean;
  /** The failure to show, unless it is the conflict. */
  error: AppError | null;
  /** The failure with the conflict code: the dialog shows what is there now, from its typed details. */
  conflict: AppError<C> | null;
}

function isConflict<C extends ErrorCode>(failure: AppError, code: C | undefined): failure is AppError<C> {
  return code !== undefined && failure.code === code;
}

/**
 * The wiring of every confirmed action: which target the dialog was opened for, a fresh mutation
 * state per opening, closing on success, and the failure (through the browser's one normaliser,
 * `toClientError`) split into "conflict" (typed by `conflictCode`) and "other".
 */
export function useConfirmedMutation<T, V, R, C extends ErrorCode = never>(mutation: UseMutationResult<R, unknown, V, unknown>, conflictCode?: C): ConfirmedMutation<T, V, R, C> {
  const [target, setTarget] = useState<T | null>(null);
  const [openings, setOpenings] = useState(0);
  const failure = toClientError(mutation.error);
  const conflict = failure && isConflict(failure, conflictCode) ? failure : null;
  return {
    target,
    openings,
    open: (next) => {
      mutation.reset();
      setTarget(() => next);
      setOpenings((n) => n + 1);
    },
    close: () => setTarget(null),
    confirm: (variables, onSuccess) =>
      mutation.mutate(variables, {
        onSuccess: (result) => {
          setTarget(null);
          onSuccess?.(result);
        },
      }),
    pending: mutation.isPending,
    error: conflict ? null : failure,
    conflict,
  };
}
