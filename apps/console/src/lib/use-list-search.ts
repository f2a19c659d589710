import { useState } from 'react';
import { useCursorPages } from './cursor-pages.ts';
import { useDebounced } from './use-debounced.ts';

/**
 * A list page's search (sent as `?q=` once typing pauses) and where it is in the pages;
 * a new search starts again at page 1.
 */
export function useListSearch() {
  const [search, setSearchText] = useState('');
  const q = useDebounced(search.trim()) || undefined;
  const pages = useCursorPages();
  return {
    search,
    setSearch: (text: string) => {
      setSearchText(text);
      pages.reset();
    },
    q,
    pages,
    /** The list query's parameters. */
    params: { q, cursor: pages.cursor },
  };
}
