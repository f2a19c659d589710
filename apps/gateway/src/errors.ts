/**
 * The one error type services throw. `code` is stable (clients branch on it); `message`
 * is for people and never carries secrets or internals.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new AppError(400, code, message);
export const notFound = (what: string, id: string) => new AppError(404, 'not_found', `${what} ${id} not found`);
export const conflict = (message: string) => new AppError(409, 'conflict', message);

/** The SQLSTATE of a driver error, whether raw (postgres/PGlite) or wrapped by drizzle. */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';
export const isForeignKeyViolation = (error: unknown) => sqlState(error) === '23503';

/** Runs a write and turns a unique-constraint violation into a 409 with a useful message. */
export async function uniqueOr409<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message);
    throw error;
  }
}
