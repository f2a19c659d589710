import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';

/**
 * Prints a new key ring entry for SWITCHBOARD_SECRET_KEYS. To rotate, put the new entry
 * first (it becomes active), keep the old ones after it, restart, then run `rekey`.
 */
const id = process.argv[2] ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
process.stdout.write(`${formatKeyRing([generateSecretKey(id)])}\n`);
