import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  message,
  messages,
  openChatWith,
  openFromInbox,
  register,
  send,
  startWebHarness,
  tickOf,
  uniqueName,
  UI_TIMEOUT_MS,
  unexpectedErrors,
  waitForCount,
  type AppPage,
  type WebHarness,
} from '../helpers/browser.js';
import { waitFor } from '../helpers/wait-for.js';

let web: WebHarness;

beforeAll(async () => {
  web = await startWebHarness();
}, 120_000);
afterAll(() => web?.dispose(), 60_000);
afterEach(async ({ task }) => web.finishTest(task.name));

/** Two users, each in a browser context of their own, both online. */
async function twoUsers(): Promise<{ a: AppPage; b: AppPage; alice: string; bob: string }> {
  const [a, b] = await Promise.all([web.open('a-alice'), web.open('b-bob')]);
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await Promise.all([register(a.page, alice), register(b.page, bob)]);
  return { a, b, alice, bob };
}

describe('the web app between two browsers', { timeout: 90_000 }, () => {
  it('delivers a message live and shows the read tick once the peer opens the conversation', async () => {
    const { a, b, alice, bob } = await twoUsers();
    await openChatWith(a.page, bob);
    await send(a.page, 'Hello Bob!');

    // B sees it live, in the inbox, unread.
    const item = b.page.locator(`[data-testid="inbox-item"][data-peer="${alice}"]`);
    await item.getByText('Hello Bob!').waitFor();
    expect(await item.getByTestId('unread-badge').textContent()).toContain('1');
    await waitFor(async () => (await tickOf(a.page, 'Hello Bob!')) === 'delivered', UI_TIMEOUT_MS);

    await openFromInbox(b.page, alice);
    await message(b.page, 'Hello Bob!').waitFor();
    await waitFor(async () => (await tickOf(a.page, 'Hello Bob!')) === 'read', UI_TIMEOUT_MS);
    await waitForCount(item.getByTestId('unread-badge'), 0);
    expect(unexpectedErrors(a)).toEqual([]);
    expect(unexpectedErrors(b)).toEqual([]);
  });

  it('shows the peer typing while they type, and no longer once they stop or send', async () => {
    const { a, b, alice, bob } = await twoUsers();
    // B writes first, so that A's first typing event is A's first in this conversation (the server
    // forwards at most one "typing" per second and user).
    await openChatWith(b.page, alice);
    await send(b.page, 'hi alice');
    await openFromInbox(a.page, bob);
    await message(a.page, 'hi alice').waitFor();

    const composer = a.page.getByLabel('Message', { exact: true });
    const typing = b.page.getByTestId('typing-indicator');
    await composer.pressSequentially('are you th', { delay: 30 });
    await typing.waitFor();
    expect(await typing.textContent()).toBe(`${alice} is typing…`);
    // A pauses: the client says "stopped" after a few seconds without a keystroke.
    await waitForCount(typing, 0);

    await composer.pressSequentially('ere?', { delay: 30 });
    await typing.waitFor();
    await composer.press('Enter');
    await message(b.page, 'are you there?').waitFor();
    await waitForCount(typing, 0);
  });

  it('catches up after being offline: three messages sent meanwhile show once each', async () => {
    const { a, b, alice, bob } = await twoUsers();
    await openChatWith(a.page, bob);
    await send(a.page, 'before');
    await openFromInbox(b.page, alice);
    await message(b.page, 'before').waitFor();

    await b.context.setOffline(true);
    await b.page.getByTestId('connection-banner').waitFor();
    for (const text of ['one', 'two', 'three']) await send(a.page, text);
    await b.context.setOffline(false);

    for (const text of ['one', 'two', 'three']) await message(b.page, text).waitFor();
    await waitForCount(b.page.getByTestId('connection-banner'), 0);
    expect(await messages(b.page).getByTestId('message-text').allTextContents()).toEqual(['before', 'one', 'two', 'three']);
    for (const text of ['one', 'two', 'three']) expect(await message(b.page, text).count()).toBe(1);
    await waitFor(async () => (await tickOf(a.page, 'three')) === 'read', UI_TIMEOUT_MS);
  });

  it('shows an edit and a deletion on both sides', async () => {
    const { a, b, alice, bob } = await twoUsers();
    await openChatWith(a.page, bob);
    await send(a.page, 'see you at 5');
    await send(a.page, 'bring the cake');
    await openFromInbox(b.page, alice);
    await message(b.page, 'bring the cake').waitFor();

    await message(a.page, 'see you at 5').getByRole('button', { name: 'Edit message' }).click();
    const composer = a.page.getByLabel('Message', { exact: true });
    // The click returns once dispatched; the composer takes the text at the next render.
    await waitFor(async () => (await composer.inputValue()) === 'see you at 5', UI_TIMEOUT_MS);
    await composer.fill('see you at 6');
    await composer.press('Enter');
    for (const page of [a.page, b.page]) {
      await message(page, 'see you at 6').getByTestId('edited').waitFor();
      await waitForCount(message(page, 'see you at 5'), 0);
    }

    await message(a.page, 'bring the cake').getByRole('button', { name: 'Delete message' }).click();
    await a.page.getByRole('button', { name: 'Delete', exact: true }).click();
    for (const page of [a.page, b.page]) {
      await message(page, 'message deleted').waitFor();
      await waitForCount(message(page, 'bring the cake'), 0);
      expect(await messages(page).getByTestId('message-text').allTextContents()).toEqual(['see you at 6', 'message deleted']);
    }
    // The peer gets no edit or delete buttons, and a deleted message has none either.
    await waitForCount(b.page.getByRole('button', { name: 'Edit message' }), 0);
    await waitForCount(message(a.page, 'message deleted').getByRole('button'), 0);
  });

  it('shows a message that looks like HTML as text', async () => {
    const { a, b, alice, bob } = await twoUsers();
    const html = '<img src=x onerror=alert(1)>';
    await openChatWith(a.page, bob);
    await send(a.page, html);
    await b.page.locator(`[data-testid="inbox-item"][data-peer="${alice}"]`).getByText(html).waitFor();
    await openFromInbox(b.page, alice);
    await message(b.page, html).waitFor();

    for (const appPage of [a, b]) {
      expect(await messages(appPage.page).getByTestId('message-text').allTextContents()).toEqual([html]);
      expect(await appPage.page.locator('[data-testid="message-list"] img, [data-testid="inbox-item"] img').count()).toBe(0);
      expect(appPage.dialogs).toEqual([]);
      expect(unexpectedErrors(appPage)).toEqual([]);
    }
  });

  it('blocks and unblocks the peer: sends between them fail while blocked', async () => {
    const { a, b, alice, bob } = await twoUsers();
    await openChatWith(a.page, bob);
    await send(a.page, 'hello');
    await openFromInbox(b.page, alice);
    await message(b.page, 'hello').waitFor();

    await a.page.getByRole('button', { name: `Block ${bob}` }).click();
    await a.page.getByRole('button', { name: `Unblock ${bob}` }).waitFor();
    const composer = b.page.getByLabel('Message', { exact: true });
    await composer.fill('are you there?');
    await composer.press('Enter');
    await b.page.getByRole('alert').getByText('Not sent: Messages between you and this user are blocked.').waitFor();
    await waitForCount(message(a.page, 'are you there?'), 0);

    await a.page.getByRole('button', { name: `Unblock ${bob}` }).click();
    await a.page.getByRole('button', { name: `Block ${bob}` }).waitFor();
    await send(b.page, 'and now?');
    await message(a.page, 'and now?').waitFor();
  });

  it('loads older messages when scrolled to the top', async () => {
    const { a, b, alice, bob } = await twoUsers();
    // 70 messages from A, sent over REST with A's session cookie (history pages hold 50).
    const me = ((await (await a.page.request.get('/auth/me')).json()) as { user: { id: string } }).user.id;
    const peer = ((await (await a.page.request.get(`/users?query=${bob}`)).json()) as { users: Array<{ id: string }> }).users[0]!.id;
    for (let i = 1; i <= 70; i++) {
      const response = await a.page.request.post(`/chats/${me}/send`, { data: { receiverId: peer, message: `message ${i}` } });
      expect(response.status()).toBe(201);
    }
    await openFromInbox(b.page, alice);
    await message(b.page, 'message 70').waitFor();
    await waitForCount(messages(b.page), 50);
    expect(await messages(b.page).first().getByTestId('message-text').textContent()).toBe('message 21');

    await b.page.getByTestId('message-list').locator('xpath=..').evaluate((scroller) => (scroller.scrollTop = 0));
    await waitForCount(messages(b.page), 70);
    const texts = await messages(b.page).getByTestId('message-text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 70 }, (_, i) => `message ${i + 1}`));
    // The view stays where the reader was: near the newly loaded page's end, not at its top.
    expect(await b.page.getByTestId('message-list').locator('xpath=..').evaluate((scroller) => scroller.scrollTop)).toBeGreaterThan(0);
  });
});
