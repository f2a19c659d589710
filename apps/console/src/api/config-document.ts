import type { ConfigDocumentInput } from '@switchboard/core/contracts/config-document';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiDownload, apiRequest, saveBlob } from './client.ts';
import { policyQueries } from './policies.ts';
import { roleQueries } from './roles.ts';
import { upstreamQueries } from './upstreams.ts';
import { userQueries } from './users.ts';
import { virtualServerQueries } from './virtual-servers.ts';

export interface ImportCounts {
  created: number;
  updated: number;
  deleted: number;
}

/** What `POST /import` reports: what it created, updated and deleted, by kind. */
export type ImportSummary = Record<'upstreams' | 'virtualServers' | 'users' | 'roles' | 'policies', ImportCounts>;

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
  const { warnings = [], ...summary } = await apiRequest<ImportSummary & { warnings?: string[] }>('/import', {
    method: 'POST',
    body: document,
    query: { mode: mode === 'replace' ? 'replace' : undefined },
  });
  return { summary, warnings };
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

/** Downloads the stored configuration (secrets as `${VAR}` placeholders). */
export function useExportConfig() {
  return useMutation({
    mutationFn: async () => saveBlob(await apiDownload('/export'), 'switchboard.json'),
  });
}
