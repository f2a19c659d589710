/**
 * An OAuth protocol error (RFC 6749 §5.2 / RFC 7591 §3.2.2 / RFC 6750 §3.1). `code` is the
 * registered error code clients branch on; `description` is for people and never holds
 * secrets.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status: 400 | 401 | 403 | 429 | 503 = 400,
  ) {
    super(description);
  }

  toJSON() {
    return { error: this.code, error_description: this.description };
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const invalidClient = (description: string) => new OAuthError('invalid_client', description, 401);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const invalidTarget = (description: string) => new OAuthError('invalid_target', description);
