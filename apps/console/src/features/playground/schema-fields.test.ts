import { describe, expect, it } from 'vitest';
import { argumentsFrom, fieldsOf } from './schema-fields.ts';

const schema = {
  type: 'object',
  properties: {
    message: { type: 'string', description: 'What to echo' },
    count: { type: 'integer', default: 2 },
    ratio: { type: ['number', 'null'] },
    loud: { type: 'boolean' },
    mode: { type: 'string', enum: ['a', 'b'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['message'],
};

describe('schema fields', () => {
  it('maps JSON Schema properties to inputs', () => {
    const fields = fieldsOf(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['message', 'string', true],
      ['count', 'integer', false],
      ['ratio', 'number', false],
      ['loud', 'boolean', false],
      ['mode', 'enum', false],
      ['tags', 'json', false],
    ]);
    expect(fields[1]!.initial).toBe('2');
    expect(fields[4]!.options).toEqual(['a', 'b']);
  });

  it('types the values and leaves out empty optional fields', () => {
    const fields = fieldsOf(schema);
    expect(argumentsFrom(fields, { message: 'hi', tags: '["x"]', loud: 'true' })).toEqual({
      ok: true,
      args: { message: 'hi', count: 2, loud: true, tags: ['x'] },
    });
  });

  it('names each field it cannot read', () => {
    const result = argumentsFrom(fieldsOf(schema), { count: '2.5', ratio: 'x', tags: '[' });
    expect(result).toEqual({
      ok: false,
      errors: { message: 'is required', count: 'must be a whole number', ratio: 'must be a number', tags: 'must be valid JSON' },
    });
  });

  it('has no fields for a tool without properties', () => {
    expect(fieldsOf({ type: 'object' })).toEqual([]);
  });
});
