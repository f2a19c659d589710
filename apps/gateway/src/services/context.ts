import type { KeyRing } from '@switchboard/auth/secret-box';
import type { Database, Executor } from '@switchboard/db/client';

/** What services need from the outside world; built once in deps.ts. */
export interface ServiceContext {
  db: Database;
  secrets: KeyRing;
  /** External base URL, without trailing slash (virtual-server URLs are derived from it). */
  publicUrl: string;
}

/** The same context, but running inside a transaction. */
export type TxContext = Omit<ServiceContext, 'db'> & { db: Executor };
