import { describe, expect, it } from 'vitest';
import { fillTemplate, templateVariables } from './uri-template.ts';

describe('resource templates', () => {
  it('finds the variables of a template', () => {
    expect(templateVariables('test://template/{id}/data')).toEqual(['id']);
    expect(templateVariables('file:///{+path}{?q,page}')).toEqual(['path', 'q', 'page']);
  });

  it('fills them in, encoding what must be encoded', () => {
    expect(fillTemplate('test://template/{id}/data', { id: '123' })).toBe('test://template/123/data');
    expect(fillTemplate('test://template/{id}/data', { id: 'a b/c' })).toBe('test://template/a%20b%2Fc/data');
    expect(fillTemplate('file:///{+path}{?q,page}', { path: 'docs/read me.md', q: 'x&y' })).toBe('file:///docs/read%20me.md?q=x%26y');
  });
});
