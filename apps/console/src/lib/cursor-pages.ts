import { useState } from 'react';

/**
 * Where one is in a cursor-paged list: the cursors of the pages visited so far (the first
 * page has none). The API's cursors only go forward, so going back pops the stack.
 */
export interface CursorPages {
  stack: string[];
}

export const firstPage: CursorPages = { stack: [] };
export const nextPage = (state: CursorPages, cursor: string): CursorPages => ({ stack: [...state.stack, cursor] });
export const previousPage = (state: CursorPages): CursorPages => ({ stack: state.stack.slice(0, -1) });
export const currentCursor = (state: CursorPages): string | undefined => state.stack.at(-1);
export const pageNumber = (state: CursorPages): number => state.stack.length + 1;

export function useCursorPages() {
  const [state, setState] = useState(firstPage);
  return {
    cursor: currentCursor(state),
    page: pageNumber(state),
    next: (cursor: string) => setState((s) => nextPage(s, cursor)),
    previous: () => setState(previousPage),
    reset: () => setState(firstPage),
  };
}
