import { useState } from 'react';
import type { z } from 'zod';
import { errorFor, type FieldErrors, validate } from './form-errors.ts';

/**
 * A form's validation messages: `check` validates with a contract schema, keeps the
 * messages for the fields, and returns the parsed value (or null when it is invalid).
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  function check<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> | null {
    const result = validate(schema, value);
    setErrors(result.ok ? {} : result.errors);
    return result.ok ? result.data : null;
  }
  return { errors, check, messageFor: (field: string) => errorFor(errors, field) };
}
