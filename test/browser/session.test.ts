import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  logIn,
  message,
  messages,
  openChatWith,
  register,
  send,
  startWebHarness,
  uniqueName,
  unexpectedErrors,
  waitForCount,
  waitUntilOnline,
  type WebHarness,
} from '../helpers/browser.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWebHarness();
}, 120_000);
afterAll(() => web?.dispose(), 60_000);
afterEach(async ({ task }) => web.finishTest(task.name));

describe('the web app across reloads and logins', { timeout: 90_000 }, () => {
  it('serves / with a strict Content-Security-Policy that forbids inline script', async () => {
    const response = await fetch(`${web.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = Object.fromEntries(
      (response.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name = '', ...values]) => [name, values.join(' ')]),
    );
    expect(csp['script-src']).toBe("'self'");
    expect(csp['default-src']).toBe("'none'");
    expect(csp['connect-src']).toBe("'self'");
    expect(csp['object-src']).toBe("'none'");
    expect(csp['base-uri']).toBe("'none'");
    expect(csp['frame-ancestors']).toBe("'none'");
    expect(csp).not.toHaveProperty('upgrade-insecure-requests');
    expect(JSON.stringify(csp)).not.toMatch(/unsafe-inline|unsafe-eval/);

    // The bundle it names is content-hashed and cached for good.
    const html = await response.text();
    const script = /<script type="module" src="(\/assets\/main-[A-Za-z0-9]+\.js)">/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${web.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    // And the browser enforces it: an inline script slipped into the page (as by an injection) does not run...
    const visit = await web.open('csp');
    const page = visit.page;
    await page.route('/', async (route) => {
      const original = await route.fetch();
      const body = (await original.text()).replace('<head>', '<head><script>window.inlineRan = true</script>');
      await route.fulfill({ response: original, body });
    });
    await page.reload();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    expect(await page.evaluate('typeof window.inlineRan')).toBe('undefined');
    expect(unexpectedErrors(visit)).toEqual([expect.stringMatching(/^Executing inline script violates the following Content Security Policy directive 'script-src 'self''/)]);
    // ...and no string reaches an HTML sink (Trusted Types).
    const sink = `(() => { try { document.body.insertAdjacentHTML('beforeend', '<b>injected</b>'); return 'written'; } catch { return 'refused'; } })()`;
    expect(await page.evaluate(sink)).toBe('refused');
  });

  it('runs without a console error through register, chat and reload', async () => {
    const a = await web.open('alice');
    const b = await web.open('bob');
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    await Promise.all([register(a.page, alice), register(b.page, bob)]);
    await openChatWith(a.page, bob);
    await send(a.page, 'no errors here');
    await b.page.reload();
    await waitUntilOnline(b.page);
    await b.page.locator(`[data-testid="inbox-item"][data-peer="${alice}"]`).click();
    await message(b.page, 'no errors here').waitFor();
    expect(unexpectedErrors(a)).toEqual([]);
    expect(unexpectedErrors(b)).toEqual([]);
  });

  it('keeps the history across a page reload', async () => {
    const a = await web.open('alice');
    const b = await web.open('bob');
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    await Promise.all([register(a.page, alice), register(b.page, bob)]);
    await openChatWith(a.page, bob);
    for (const text of ['one', 'two', 'three']) await send(a.page, text);

    await a.page.reload();
    await waitUntilOnline(a.page);
    await a.page.locator(`[data-testid="inbox-item"][data-peer="${bob}"]`).click();
    await message(a.page, 'three').waitFor();
    expect(await messages(a.page).getByTestId('message-text').allTextContents()).toEqual(['one', 'two', 'three']);
    expect(await a.page.getByTestId('me').textContent()).toContain(alice);
  });

  it('logs out to the login screen, which a reload keeps, and logs in again', async () => {
    const a = await web.open('alice');
    const alice = uniqueName('alice');
    await register(a.page, alice);
    await a.page.getByRole('button', { name: 'Log out' }).click();
    await a.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await waitForCount(a.page.getByTestId('me'), 0);

    await a.page.reload();
    await a.page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await waitForCount(a.page.getByTestId('me'), 0);
    // The browser kept no credential: the cookie is gone, and localStorage holds only the sync cursor.
    expect((await a.context.cookies()).map((cookie) => cookie.name)).not.toContain('connect.sid');
    const stored = await a.page.evaluate<string[]>('Object.keys(localStorage)');
    expect(stored.every((key) => key.startsWith('parley:cursor:'))).toBe(true);

    await logIn(a.page, alice);
    expect(await a.page.getByTestId('me').textContent()).toContain(alice);
  });

  it('is usable on a 375x667 phone screen: the list, then the conversation with a way back', async () => {
    const a = await web.open('alice-phone', { width: 375, height: 667 });
    const b = await web.open('bob');
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    await Promise.all([register(a.page, alice), register(b.page, bob)]);
    await openChatWith(a.page, bob);
    await send(a.page, 'small screen, big words');
    // One pane at a time: the conversation hides the list; Back shows it again.
    expect(await a.page.getByRole('searchbox', { name: 'Find people' }).isVisible()).toBe(false);
    const width = await a.page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
    await a.page.getByRole('button', { name: 'Back to conversations' }).click();
    await a.page.locator(`[data-testid="inbox-item"][data-peer="${bob}"]`).getByText('small screen, big words').waitFor();
  });
});
