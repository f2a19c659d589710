// @vitest-environment jsdom
import type { PlaygroundAnswer, PlaygroundInputRequired } from '@switchboard/core/contracts/playground';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ElicitationForm } from './elicitation-form.tsx';

const requestedSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', default: 'John Doe' },
    age: { type: 'integer' },
    status: { type: 'string', enum: ['active', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true },
  },
  required: ['age'],
};

function answerAsking(requests: PlaygroundInputRequired['requests']): PlaygroundAnswer & { inputRequired: PlaygroundInputRequired } {
  return { outcome: 'ok', durationMs: 1, result: { resultType: 'input_required' }, error: null, exchange: [], inputRequired: { requests, requestState: 'state' } };
}

const ask = answerAsking({ q1: { method: 'elicitation/create', params: { message: 'Who are you?', requestedSchema } } });

describe('ElicitationForm', () => {
  afterEach(cleanup);

  it('builds the form from the requested schema and accepts with typed values, once they are valid', () => {
    const onAnswer = vi.fn();
    render(<ElicitationForm answer={ask} pending={false} onAnswer={onAnswer} />);
    expect(screen.getByText('Who are you?')).toBeTruthy();
    expect((screen.getByLabelText('name') as HTMLInputElement).value).toBe('John Doe');
    expect((screen.getByLabelText('status') as HTMLSelectElement).value).toBe('active');
    expect((screen.getByLabelText('verified') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(onAnswer).not.toHaveBeenCalled();
    expect(screen.getByText('is required')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('age *'), { target: { value: '41' } });
    fireEvent.change(screen.getByLabelText('status'), { target: { value: 'pending' } });
    fireEvent.click(screen.getByLabelText('verified'));
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(onAnswer).toHaveBeenCalledWith({ q1: { action: 'accept', content: { name: 'John Doe', age: 41, status: 'pending', verified: false } } });
  });

  it('declines or cancels with no content, whatever the form holds', () => {
    const onAnswer = vi.fn();
    render(<ElicitationForm answer={ask} pending={false} onAnswer={onAnswer} />);
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onAnswer.mock.calls).toEqual([[{ q1: { action: 'decline' } }], [{ q1: { action: 'cancel' } }]]);
  });

  it('says what it cannot answer (sampling, URL elicitation) and offers only to cancel', () => {
    const onAnswer = vi.fn();
    render(
      <ElicitationForm
        answer={answerAsking({ s: { method: 'sampling/createMessage', params: {} }, u: { method: 'elicitation/create', params: { mode: 'url', url: 'https://x' } } })}
        pending={false}
        onAnswer={onAnswer}
      />,
    );
    expect(screen.getByText(/cannot answer sampling\/createMessage, elicitation in url mode/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Accept' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Decline' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onAnswer).toHaveBeenCalledWith({ s: { action: 'cancel' }, u: { action: 'cancel' } });
  });
});
