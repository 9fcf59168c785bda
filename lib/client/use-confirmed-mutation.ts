'use client';
import type { UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { AppError, type ErrorCode } from '@/lib/api/errors';

function asAppError(error: unknown): AppError | null {
  if (!error) return null;
  return error instanceof AppError ? error : new AppError('internal', String(error));
}

export interface ConfirmedMutation<T, V, R> {
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
  /** The failure with the conflict code (the thing changed since it was shown): the dialog shows what is there now. */
  conflict: AppError | null;
}

/**
 * The wiring of every confirmed action: which target the dialog was opened for, a fresh mutation
 * state per opening, closing on success, and the failure split into "conflict" and "other".
 */
export function useConfirmedMutation<T, V, R>(mutation: UseMutationResult<R, unknown, V, unknown>, conflictCode?: ErrorCode): ConfirmedMutation<T, V, R> {
  const [target, setTarget] = useState<T | null>(null);
  const [openings, setOpenings] = useState(0);
  const failure = asAppError(mutation.error);
  const conflict = failure && conflictCode && failure.code === conflictCode ? failure : null;
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
