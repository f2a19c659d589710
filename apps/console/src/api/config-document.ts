import type { ConfigDocumentInput } from '@switchboard/core/contracts/config-document';
import type { ImportSummary } from '@switchboard/core/contracts/import-summary';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiDownload, apiRequest, saveBlob } from './client.ts';
import { policyQueries } from './policies.ts';
import { roleQueries } from './roles.ts';
import { upstreamQueries } from './upstreams.ts';
import { userQueries } from './users.ts';
import { virtualServerQueries } from './virtual-servers.ts';

export type { ImportChange, ImportSummary } from '@switchboard/core/contracts/import-summary';

export interface ImportInput {
  document: ConfigDocumentInput;
  /** `replace` also removes upstreams and virtual servers the document does not name. */
  mode?: 'merge' | 'replace';
}

/** The summary and, apart, what was applied but deserves a look (ignored keys, commands not found). */
export interface ImportResult {
  summary: ImportSummary;
  warnings: string[];
}

async function postImport({ document, mode }: ImportInput): Promise<ImportResult> {
  const summary = await apiRequest<ImportSummary>('/import', {
    method: 'POST',
    body: document,
    query: { mode: mode === 'replace' ? 'replace' : undefined },
  });
  return { summary, warnings: summary.warnings };
}

/** Applies a configuration document in one transaction; everything it may touch is refetched. */
export function useImportConfig() {
  return useImportMutation(async (input: ImportInput) => (await postImport(input)).summary);
}

/** Like useImportConfig, with the import's warnings beside the summary. */
export function useImportConfigWithWarnings() {
  return useImportMutation(postImport);
}

function useImportMutation<T>(mutationFn: (input: ImportInput) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all(
        [upstreamQueries, virtualServerQueries, userQueries, roleQueries, policyQueries].map((q) =>
          queryClient.invalidateQueries({ queryKey: q.all() }),
        ),
      ),
  });
}

/** What an import would do (`dryRun=true`): the same checks and summary, nothing applied. */
export function useImportPreview() {
  return useMutation({
    mutationFn: ({ document, mode }: ImportInput) =>
      apiRequest<ImportSummary>('/import', { method: 'POST', body: document, query: { mode: mode === 'replace' ? 'replace' : undefined, dryRun: true } }),
  });
}

/** Downloads the stored configuration (secrets as `${VAR}` placeholders). */
export function useExportConfig() {
  return useMutation({
    mutationFn: async () => saveBlob(await apiDownload('/export'), 'switchboard.json'),
  });
}
