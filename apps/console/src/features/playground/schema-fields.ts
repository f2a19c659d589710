/**
 * A tool's JSON Schema (`inputSchema`) as form fields, and the typed form values back
 * as the tool's arguments. Scalars get their own inputs; arrays and objects are edited
 * as JSON. Only what the form shows is checked here — the tool validates the rest.
 */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface SchemaField {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  /** The initial text of the input (from the schema's default). */
  initial: string;
}

type Schema = { type?: unknown; properties?: Record<string, Record<string, unknown>>; required?: unknown };

function kindOf(prop: Record<string, unknown>): FieldKind {
  if (Array.isArray(prop.enum) && prop.enum.every((v) => typeof v === 'string')) return 'enum';
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  return 'json';
}

function initialOf(prop: Record<string, unknown>, kind: FieldKind): string {
  if (prop.default === undefined) return kind === 'boolean' ? 'false' : '';
  return kind === 'json' ? JSON.stringify(prop.default, null, 2) : String(prop.default);
}

export function fieldsOf(schema: Record<string, unknown>): SchemaField[] {
  const { properties = {}, required } = schema as Schema;
  const requiredNames = Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
  return Object.entries(properties).map(([name, prop]) => {
    const kind = kindOf(prop);
    return {
      name,
      kind,
      required: requiredNames.includes(name),
      description: typeof prop.description === 'string' ? prop.description : undefined,
      options: kind === 'enum' ? (prop.enum as string[]) : undefined,
      initial: initialOf(prop, kind),
    };
  });
}

/** The arguments object, or a message per field that cannot be read. Empty optional fields are left out. */
export function argumentsFrom(
  fields: SchemaField[],
  values: Record<string, string>,
): { ok: true; args: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const text = values[field.name] ?? field.initial;
    if (field.kind === 'boolean') {
      args[field.name] = text === 'true';
      continue;
    }
    if (text.trim() === '') {
      if (field.required) errors[field.name] = 'is required';
      continue;
    }
    if (field.kind === 'number' || field.kind === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) errors[field.name] = `must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}`;
      else args[field.name] = n;
    } else if (field.kind === 'json') {
      try {
        args[field.name] = JSON.parse(text);
      } catch {
        errors[field.name] = 'must be valid JSON';
      }
    } else args[field.name] = text;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, args };
}
