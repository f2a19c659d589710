import { describe, expect, it } from 'vitest';
import { currentCursor, firstPage, nextPage, pageNumber, previousPage } from './cursor-pages.ts';

describe('cursor pages', () => {
  it('goes forward with the API cursor and back to exactly the pages seen', () => {
    const two = nextPage(firstPage, 'c1');
    const three = nextPage(two, 'c2');
    expect([pageNumber(firstPage), pageNumber(two), pageNumber(three)]).toEqual([1, 2, 3]);
    expect(currentCursor(firstPage)).toBeUndefined();
    expect(currentCursor(three)).toBe('c2');
    expect(previousPage(three)).toEqual(two);
    expect(previousPage(previousPage(two))).toEqual(firstPage);
  });
});
