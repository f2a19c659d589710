/**
 * Issue 18 point 11 in Chromium: every page at 390 px wide (navigation folded behind a
 * Menu button, no horizontal scrolling), its own document title, a skip link, and no
 * WCAG 2 A/AA violations found by axe-core; the upstreams table fits 1440 px with a
 * failing upstream. A 390 px screenshot of every page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, freePort, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const ADMIN = { email: 'ada@example.com', password: 'console admin password' };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** WCAG 2.0/2.1 A and AA rules of axe-core, on the page as it is now. */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE });
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ')) })))`);
}

/** The innermost elements that stick out past the right edge (to say what to fix). */
const widest = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
    .slice(0, 4).map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`);

describe('console on a phone and for keyboard and screen-reader users (issue 18 #11)', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  const pages: Array<[slug: string, path: string, heading: string]> = [];

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    const ada = await gw.api('POST', '/api/v1/users', { ...ADMIN, name: 'Ada Admin', isAdmin: true });
    const fxUp = await gw.api('POST', '/api/v1/upstreams', { name: 'fx', transport: 'streamable-http', url: fx.url });
    expect((await gw.api('POST', `/api/v1/upstreams/${fxUp.body.id}/refresh`)).status).toBe(200);
    // A failing upstream with a long URL: its error must not widen the table.
    const down = `http://127.0.0.1:${await freePort()}/a/very/long/path/segment/that/keeps/going/and/going/mcp`;
    const failing = await gw.api('POST', '/api/v1/upstreams', { name: 'down', transport: 'streamable-http', url: down });
    await gw.api('POST', `/api/v1/upstreams/${failing.body.id}/refresh`);
    const server = await gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', entries: [{ kind: 'upstream', upstreamId: fxUp.body.id }] });
    await gw.api('POST', '/api/v1/roles', { name: 'eng' });
    pages.push(
      ['dashboard', '/', 'Dashboard'],
      ['upstreams', '/upstreams', 'Upstreams'],
      ['upstream', `/upstreams/${fxUp.body.id}`, 'fx'],
      ['new-upstream', '/upstreams/new', ''],
      ['import-upstreams', '/upstreams/import', ''],
      ['virtual-servers', '/virtual-servers', 'Virtual servers'],
      ['virtual-server', `/virtual-servers/${server.body.id}`, 'dev'],
      ['virtual-server-editor', `/virtual-servers/${server.body.id}/edit`, ''],
      ['new-virtual-server', '/virtual-servers/new', ''],
      ['playground', '/playground', 'Playground'],
      ['users', '/users', 'Users'],
      ['user', `/users/${ada.body.id}`, ADMIN.email],
      ['roles', '/roles', 'Roles'],
      ['access-preview', '/access', 'Access preview'],
      ['rate-limits', '/rate-limits', 'Rate limits'],
      ['oauth-clients', '/clients', 'OAuth clients'],
      ['identity-providers', '/identity-providers', 'Identity providers'],
      ['audit-log', '/audit', 'Audit log'],
      ['admin-changes', '/admin-changes', 'Admin changes'],
      ['settings', '/settings', 'Settings'],
      ['my-servers', '/my-servers', 'My servers'],
      ['my-connections', '/connections', 'My connections'],
      ['my-keys', '/keys', 'My keys'],
    );
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('signs in at 390 px; a skip link leads past the navigation, which folds behind Menu', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    expect(await page.title()).toBe('Sign in · Switchboard');
    expect(await axeViolations(page)).toEqual([]);
    await b.screenshot('issue18-11-mobile-sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Console' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Console' }).isVisible()).toBe(false);
    await page.goto('/users');
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el: { matches(s: string): boolean }) => el.matches(':focus-visible'))).toBe(true);
    await b.screenshot('issue18-11-mobile-skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
  });

  it('every page fits 390 px with no horizontal scrolling, has its own title and no axe violations', async () => {
    const { page } = b;
    const titles = new Set<string>();
    const problems: string[] = [];
    for (const [slug, path, heading] of pages) {
      await page.goto(path);
      await page.locator('h1', { hasText: heading }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      if (overflow > 0) problems.push(`${path}: ${overflow} px of horizontal scrolling, widest: ${await widest(page)}`);
      for (const v of await axeViolations(page)) problems.push(`${path}: axe ${v.id} (${v.impact}) ${v.help}: ${v.nodes.join(' | ')}`);
      titles.add(await page.title());
      await b.screenshot(`issue18-11-mobile-${slug}`);
    }
    expect(problems).toEqual([]);
    expect([...titles].every((t) => t.endsWith(' · Switchboard'))).toBe(true);
    expect(titles.size).toBe(pages.length); // each page its own
  });

  it('the upstreams table does not overflow at 1440 px with a failing upstream', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/upstreams');
    await page.getByText('Failing').first().waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    const table = (await page.locator('table').first().evaluate((t: { scrollWidth: number; clientWidth: number }) => t.scrollWidth - t.clientWidth)) as number;
    expect({ overflow, table }).toEqual({ overflow: 0, table: 0 });
    await b.screenshot('issue18-11-upstreams-1440-failing');
  });
});
