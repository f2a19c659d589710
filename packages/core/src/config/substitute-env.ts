/**
 * `${VAR}` and `${VAR:-default}` substitution over every string of a parsed JSON
 * document. `$${...}` is an escape for a literal `${...}`. A missing variable without a
 * default is an error naming where in the document it was used.
 */
export class EnvSubstitutionError extends Error {
  override readonly name = 'EnvSubstitutionError';
  constructor(
    readonly path: string,
    readonly variable: string,
  ) {
    super(`${path}: environment variable ${variable} is not set (use \${${variable}:-default} for a default)`);
  }
}

const PATTERN = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substituteString(value: string, env: Record<string, string | undefined>, path: string): string {
  return value.replace(PATTERN, (match, name: string, fallback: string | undefined) => {
    if (match.startsWith('$$')) return match.slice(1);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    if (found !== undefined) return found;
    throw new EnvSubstitutionError(path, name);
  });
}

export function substituteEnv(value: unknown, env: Record<string, string | undefined>, path = ''): unknown {
  if (typeof value === 'string') return substituteString(value, env, path || '(root)');
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${path}.${i}`.replace(/^\./, '')));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}
