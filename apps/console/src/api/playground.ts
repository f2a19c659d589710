import type {
  PlaygroundAnswer,
  PlaygroundCall,
  PlaygroundCatalog,
  PlaygroundComplete,
  PlaygroundCompletion,
  PlaygroundMessage,
  PlaygroundRequest,
  PlaygroundSubscribe,
  PlaygroundTools,
} from '@switchboard/core/contracts/playground';
import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { auditQueries } from './audit-events.ts';
import { ApiError, apiRequest } from './client.ts';
import { postEventStream } from './event-stream.ts';
import { useInvalidatingMutation } from './mutations.ts';

const path = (id: string) => `/virtual-servers/${encodeURIComponent(id)}/playground`;

export const playgroundQueries = {
  all: () => ['playground'] as const,
  /** The tools `asUser` (default: the signed-in person) may use there: their access policy applies. */
  tools: (virtualServerId: string, asUser?: string) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'tools', virtualServerId, asUser ?? ''] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundTools>(`${path(virtualServerId)}/tools`, { signal, query: { asUser: asUser || undefined } }),
      enabled: Boolean(virtualServerId),
      // access rules may have changed anywhere (another admin, the API): ask again each time
      staleTime: 0,
    }),
  /** The resources, resource templates and prompts `asUser` may read and get there. */
  catalog: (virtualServerId: string, asUser?: string) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'catalog', virtualServerId, asUser ?? ''] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundCatalog>(`${path(virtualServerId)}/catalog`, { signal, query: { asUser: asUser || undefined } }),
      enabled: Boolean(virtualServerId),
      staleTime: 0,
    }),
  /** Suggestions for one prompt argument or template variable, as the person types. */
  complete: (virtualServerId: string, request: PlaygroundComplete) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'complete', virtualServerId, request] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundCompletion>(`${path(virtualServerId)}/complete`, { method: 'POST', body: request, signal }),
      staleTime: 30_000,
    }),
};

/**
 * A tool call whose messages (progress, logs) arrive while it runs, and that can be
 * cancelled (closing the request cancels it upstream). The call lands in the audit log,
 * so that is refetched.
 */
export function useLiveToolCall(virtualServerId: string) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ pending: boolean; messages: PlaygroundMessage[]; answer?: PlaygroundAnswer; error?: Error; cancelled?: boolean }>({
    pending: false,
    messages: [],
  });
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  async function run(call: PlaygroundCall) {
    const controller = new AbortController();
    running.current = controller;
    setState({ pending: true, messages: [] });
    try {
      let answer: PlaygroundAnswer | undefined;
      await postEventStream(
        `${path(virtualServerId)}/tools/call`,
        call,
        (event, data) => {
          if (event === 'message') setState((s) => ({ ...s, messages: [...s.messages, data as PlaygroundMessage] }));
          else if (event === 'answer') answer = data as PlaygroundAnswer;
          else if (event === 'error') {
            const { code, message } = (data as { error: { code: string; message: string } }).error;
            throw new ApiError(500, code, message);
          }
        },
        controller.signal,
      );
      setState((s) => ({ ...s, pending: false, answer, error: answer ? undefined : new Error('The gateway ended the call without an answer.') }));
    } catch (error) {
      setState((s) => ({ ...s, pending: false, cancelled: controller.signal.aborted, error: controller.signal.aborted ? undefined : (error as Error) }));
    } finally {
      running.current = null;
      void queryClient.invalidateQueries({ queryKey: auditQueries.all() });
    }
  }

  return { ...state, run, cancel: () => running.current?.abort() };
}

/**
 * A resource subscription held open while the page shows it: the messages a client would
 * see (the subscribe request and response, then each `notifications/resources/updated`) as
 * they arrive. Unsubscribing (or leaving the page) closes the stream.
 */
export function useResourceSubscription(virtualServerId: string) {
  const [state, setState] = useState<{ active: boolean; messages: PlaygroundMessage[]; error?: Error }>({ active: false, messages: [] });
  const open = useRef<AbortController | null>(null);
  useEffect(() => () => open.current?.abort(), []);

  async function subscribe(request: PlaygroundSubscribe) {
    open.current?.abort();
    const controller = new AbortController();
    open.current = controller;
    setState({ active: true, messages: [] });
    try {
      await postEventStream(
        `${path(virtualServerId)}/resources/subscribe`,
        request,
        (event, data) => {
          if (event === 'message') setState((s) => ({ ...s, messages: [...s.messages, data as PlaygroundMessage] }));
          else if (event === 'error') {
            const { code, message } = (data as { error: { code: string; message: string } }).error;
            throw new ApiError(500, code, message);
          }
        },
        controller.signal,
      );
      if (open.current === controller) setState((s) => ({ ...s, active: false }));
    } catch (error) {
      if (open.current === controller) setState((s) => ({ ...s, active: false, error: controller.signal.aborted ? undefined : (error as Error) }));
    } finally {
      if (open.current === controller) open.current = null;
    }
  }

  function unsubscribe() {
    open.current?.abort();
    open.current = null;
    setState((s) => ({ ...s, active: false }));
  }

  return { ...state, subscribe, unsubscribe };
}

/** Reads a resource or gets a prompt (audited like a tool call). */
export const useAskPlayground = (virtualServerId: string) =>
  useInvalidatingMutation(
    (request: PlaygroundRequest) => apiRequest<PlaygroundAnswer>(`${path(virtualServerId)}/request`, { method: 'POST', body: request }),
    [auditQueries.all()],
  );
