/** The type-to-confirm dialog every mutation uses, rendered in a DOM and driven as a person would. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog';
import { UnlockDialog } from './unlock-dialog';

afterEach(cleanup);

function renderDialog(over: Partial<ConfirmDialogProps> = {}) {
  const onClose = vi.fn();
  const onConfirm = vi.fn();
  render(
    <ConfirmDialog
      open
      onClose={onClose}
      onConfirm={onConfirm}
      title="Force-unlock this state?"
      testId="confirm"
      subject={{ key: 'app/terraform.tfstate', backendName: 'Production' }}
      token={{ label: 'Type the lock ID', placeholder: 'abcd1234', matches: (t) => t.trim() === 'abcd1234', missing: 'Type the lock ID to confirm.' }}
      confirmLabel="Force-unlock"
      pendingLabel="Unlocking…"
      pending={false}
      {...over}
    >
      <p>What will happen.</p>
    </ConfirmDialog>,
  );
  return { onClose, onConfirm, user: userEvent.setup() };
}

describe('ConfirmDialog', () => {
  it('enables the confirm button only with a reason and the token typed back, saying why until then', async () => {
    const { onConfirm, user } = renderDialog();
    const button = screen.getByRole('button', { name: 'Force-unlock' });
    expect(button).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-why').textContent).toBe('Give a reason first.');
    expect(button.getAttribute('aria-describedby')).toBe(screen.getByTestId('confirm-why').id);

    await user.type(screen.getByLabelText(/Reason/), '  runner gone  ');
    expect(button).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-why').textContent).toBe('Type the lock ID to confirm.');

    await user.type(screen.getByLabelText('Type the lock ID'), 'abcd123');
    expect(button).toHaveProperty('disabled', true);
    await user.type(screen.getByLabelText('Type the lock ID'), '4');
    expect(button).toHaveProperty('disabled', false);
    expect(screen.queryByTestId('confirm-why')).toBeNull();

    await user.click(button);
    expect(onConfirm).toHaveBeenCalledExactlyOnceWith('runner gone');
  });

  it('asks before Esc or the close button throw a typed reason away; closes at once without one', async () => {
    const { onClose, user } = renderDialog();
    await user.click(screen.getByRole('button', { name: 'Close dialog' }));
    expect(onClose).toHaveBeenCalledTimes(1);

    onClose.mockClear();
    await user.type(screen.getByLabelText(/Reason/), 'runner gone');
    await user.click(screen.getByRole('button', { name: 'Close dialog' }));
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId('discard-reason').textContent).toContain('Close and discard the reason you typed?');
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByTestId('discard-reason')).toBeNull();

    // Esc: the browser fires `cancel` on the modal <dialog>.
    fireEvent(screen.getByTestId('confirm'), new Event('cancel', { cancelable: true }));
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId('discard-reason')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Discard and close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('after a conflict, closing is the way on: no question, the button says Close', async () => {
    const { onClose, user } = renderDialog({ closeLabel: 'Close', blocked: 'The lock changed: close this dialog and look again.' });
    await user.type(screen.getByLabelText(/Reason/), 'runner gone');
    expect(screen.getByTestId('confirm-why').textContent).toBe('The lock changed: close this dialog and look again.');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('discard-reason')).toBeNull();
  });
});

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
  sources: ['dynamodb', 's3'],
  ageSeconds: 3600,
  stale: false,
  problems: [],
  seen: { dynamodbInfo: '{}', lockfileEtag: '"e"' },
};

describe('UnlockDialog', () => {
  const props = { open: true, onClose: () => undefined, onConfirm: () => undefined, lock, backendName: 'Production', store: { bucket: 'tf-state', dynamodbTable: 'tf-locks' }, pending: false };

  it('shows a failure with its code, as an alert', () => {
    render(<UnlockDialog {...props} error={{ code: 'aws_unreachable', message: 'DynamoDB did not answer.' }} conflict={null} />);
    const alert = screen.getAllByRole('alert').find((a) => a.textContent?.includes('DynamoDB did not answer.'));
    expect(alert?.textContent).toContain('[aws_unreachable]');
  });

  it('after a conflict shows who holds the lock now and blocks the confirm button', () => {
    render(<UnlockDialog {...props} error={null} conflict={{ message: 'The lock is no longer the one shown.', current: { ...lock, id: 'ffff0000-new', who: 'maria@laptop' } }} />);
    const conflict = screen.getByTestId('unlock-conflict');
    expect(conflict.textContent).toContain('The lock changed: nothing was unlocked.');
    expect(screen.getByTestId('unlock-new-holder-who').textContent).toBe('maria@laptop');
    expect(screen.getByRole('button', { name: 'Force-unlock' })).toHaveProperty('disabled', true);
  });
});
