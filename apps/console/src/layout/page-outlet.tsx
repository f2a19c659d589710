import { Outlet, useMatches } from '@tanstack/react-router';
import { useEffect } from 'react';
import { NoSuchPage } from './home-page.tsx';

/** The document title of the page the matched routes show (see StaticDataRouteOption). */
export function pageTitle(matches: Array<{ staticData: { title?: string; personTitle?: string; admin?: boolean } }>, isAdmin: boolean): string {
  const page = matches.at(-1)?.staticData;
  const shown = page?.title && !(page.admin && !isAdmin);
  return `${shown ? ((!isAdmin && page.personTitle) || page.title) : 'No such page'} · Switchboard`;
}

/**
 * The page the URL names, under its own document title; the administration pages do not
 * exist for a person who is not an administrator (the admin API refuses them anyway).
 */
export function PageOutlet({ isAdmin }: { isAdmin: boolean }) {
  const matches = useMatches();
  const title = pageTitle(matches, isAdmin);
  useEffect(() => {
    document.title = title;
  }, [title]);
  if (!isAdmin && matches.some((m) => m.staticData.admin)) return <NoSuchPage />;
  return <Outlet />;
}
