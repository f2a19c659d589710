import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';

/**
 * A mutation that, once it has succeeded, invalidates every query under the given keys
 * (each from a resource's query-key factory, e.g. `upstreamQueries.all()`).
 */
export function useInvalidatingMutation<TInput, TResult>(
  mutationFn: (input: TInput) => Promise<TResult>,
  invalidates: readonly QueryKey[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey }))).then(() => undefined),
  });
}

/**
 * Deletes by id, then refetches everything under `all` except the queries of the deleted
 * object itself: the page showing it is still mounted until it navigates away, and would
 * otherwise ask for it again and get a 404.
 */
export function useDeleteMutation(mutationFn: (id: string) => Promise<unknown>, all: QueryKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (_result, id) => queryClient.invalidateQueries({ queryKey: all, predicate: (q) => !q.queryKey.includes(id) }),
  });
}
