// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfirmButton } from './confirm-button.tsx';
import { ARM_DELAY_MS, ConfirmDialog, canConfirm } from './confirm-dialog.tsx';

describe('canConfirm', () => {
  it('needs the delay to have passed, nothing pending, and the exact name when one is asked for', () => {
    expect(canConfirm({ armed: false, typed: '' })).toBe(false);
    expect(canConfirm({ armed: true, typed: '' })).toBe(true);
    expect(canConfirm({ armed: true, pending: true, typed: '' })).toBe(false);
    expect(canConfirm({ armed: true, typed: 'doc', typeToConfirm: 'docs' })).toBe(false);
    expect(canConfirm({ armed: true, typed: ' docs ', typeToConfirm: 'docs' })).toBe(true);
    expect(canConfirm({ armed: true, typed: 'Docs', typeToConfirm: 'docs' })).toBe(false);
  });
});

describe('ConfirmButton', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  const confirmButton = () => screen.getByRole('button', { name: 'Delete upstream' });

  it('is not confirmed by a double-click: the second click lands on a disabled button, focus is on Cancel', async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    render(<ConfirmButton label="Delete" title="Delete upstream docs?" confirmLabel="Delete upstream" onConfirm={onConfirm} />);
    const trigger = screen.getByRole('button', { name: 'Delete' });
    fireEvent.click(trigger);
    fireEvent.click(confirmButton()); // the second click of the double-click
    fireEvent.doubleClick(trigger);
    expect(onConfirm).not.toHaveBeenCalled();
    expect((confirmButton() as HTMLButtonElement).disabled).toBe(true);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    // Once armed, Cancel (where focus is) closes it without confirming.
    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    expect((confirmButton() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('button', { name: 'Delete upstream' })).toBeNull();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('confirms once armed and, for destructive actions, once the name is typed; then closes', async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    render(
      <ConfirmButton
        label="Delete"
        title="Delete upstream docs?"
        confirmLabel="Delete upstream"
        typeToConfirm="docs"
        consequences={<p>2 virtual servers use this upstream</p>}
        onConfirm={onConfirm}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(screen.getByText('2 virtual servers use this upstream')).toBeTruthy();
    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    expect((confirmButton() as HTMLButtonElement).disabled).toBe(true);
    const input = screen.getByLabelText(/Type docs to confirm/);
    fireEvent.change(input, { target: { value: 'doc' } });
    fireEvent.click(confirmButton());
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: 'docs' } });
    fireEvent.click(confirmButton());
    expect(onConfirm).toHaveBeenCalledTimes(1);
    await act(async () => {});
    expect(screen.queryByRole('button', { name: 'Delete upstream' })).toBeNull();
  });

  it('stays open with the error when the action fails', async () => {
    const onConfirm = vi.fn(() => Promise.reject(new Error('409')));
    render(<ConfirmButton label="Delete" title="Delete?" confirmLabel="Delete upstream" error={<p>refused</p>} onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    fireEvent.click(confirmButton());
    await act(async () => {});
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.getByText('refused')).toBeTruthy();
  });

  it('a submit inside the dialog does not reach a form around the trigger', () => {
    const outer = vi.fn((e: { preventDefault(): void }) => e.preventDefault());
    const onConfirm = vi.fn();
    render(
      <form onSubmit={outer}>
        <ConfirmDialog title="Lock yourself out?" confirmLabel="Save anyway" onConfirm={onConfirm} onCancel={() => {}} />
      </form>,
    );
    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    fireEvent.click(screen.getByRole('button', { name: 'Save anyway' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });
});
