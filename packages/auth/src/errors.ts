export type SecretKeyErrorCode =
  | 'invalid_key_ring'
  | 'invalid_key_file'
  | 'key_file_permissions'
  | 'malformed_ciphertext'
  | 'unknown_key_id'
  | 'decrypt_failed';

/** Key ring, key file and secret-box failures. Messages may name key ids, never key material. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
  readonly code: SecretKeyErrorCode;

  constructor(code: SecretKeyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type PasswordErrorCode = 'password_too_long';

export class PasswordError extends Error {
  override readonly name = 'PasswordError';
  readonly code: PasswordErrorCode;

  constructor(code: PasswordErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
