import 'server-only';
/**
 * What a multi-item change (bulk unlock, freeze, unfreeze, migration clean-up) gets from its route
 * (lib/http/mutation-route.ts `bulkMutationRoute`): every item already authorised on its own key, and
 * `step`, which runs one item's change under that item's own audit record. A service never decides
 * who may do what; it runs each item through `step` and says how each outcome reads.
 */
import type { AppError } from '../api/errors';
import { toAppError } from '../server/errors';

/** The context of one item's change (its own audit record). */
export interface StepContext {
  user: string;
  auditId: string;
  note: (details: Record<string, unknown>) => void;
}

export interface ItemSteps<I> extends StepContext {
  /** Runs `change` for `item` under the item's own audit record (refused for an item the request did not list). */
  step: <R>(item: I, change: (ctx: StepContext) => Promise<R>) => Promise<R>;
}

export interface ItemRun<R> {
  /** The error the item's record is completed with when the change did not do what was asked (null: it did). */
  failure: (result: R) => AppError | null;
  /** The result of an item whose change threw (or could not start). */
  onError: (error: AppError) => R;
}

/**
 * One item's result with its audit record: the change's own result (its record `failed` with
 * `failure(result)` when that says so), or `onError` for a thrown error. Never throws.
 */
export async function runItem<I, R extends object>(steps: ItemSteps<I>, item: I, change: (ctx: StepContext) => Promise<R>, how: ItemRun<R>): Promise<R & { auditId: string | null }> {
  let auditId: string | null = null;
  let result: R | null = null;
  try {
    await steps.step(item, async (ctx) => {
      auditId = ctx.auditId;
      const done = await change(ctx);
      result = done;
      const failure = how.failure(done);
      if (failure) throw failure;
    });
  } catch (e) {
    result ??= how.onError(toAppError(e, 'one item of a multi-item change failed unexpectedly'));
  }
  return { ...(result as R), auditId };
}
