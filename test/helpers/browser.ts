/**
 * Real-browser tests of the web app: the app built once per test file into a temporary folder,
 * one Parley instance serving it (WEB_DIR), one headless Chromium (Debian's, driven by
 * playwright-core), and a fresh browser context per user, so every test is independent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestParley, type TestParley } from './parley.js';
import { waitFor } from './wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Generous: CI machines have two cores, shared by parallel test files. */
export const UI_TIMEOUT_MS = 30_000;

/** Builds the web app with its own build script (as `npm run build` does) into a new temporary folder. */
export async function buildWebApp(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'web', 'build.mjs'), '--out', outDir], { cwd: ROOT });
  return outDir;
}

/** One page of the app in a browser context of its own, with what went wrong on it. */
export interface AppPage {
  label: string;
  context: BrowserContext;
  page: Page;
  /** console.error lines, uncaught exceptions and CSP violations, as text. */
  errors: string[];
  /** alert/confirm/prompt messages (each dismissed). */
  dialogs: string[];
}

export interface WebHarness {
  parley: TestParley;
  browser: Browser;
  url: string;
  /** A new browser context (a user of its own) with the app open. */
  open(label: string, viewport?: { width: number; height: number }): Promise<AppPage>;
  /** Screenshots every page opened since the last call into test-results/browser/<test name>/, then closes their contexts. */
  finishTest(testName: string): Promise<void>;
  dispose(): Promise<void>;
}

const BROWSER_CLOSE_WAIT_MS = 15_000;

export async function startWebHarness(env: Record<string, string> = {}): Promise<WebHarness> {
  const webDir = await buildWebApp();
  const parley = await startTestParley({ env: { WEB_DIR: webDir, ...env } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  let pages: AppPage[] = [];

  return {
    parley,
    browser,
    url: parley.url,
    async open(label, viewport = { width: 1000, height: 700 }) {
      const context = await browser.newContext({ viewport, baseURL: parley.url });
      context.setDefaultTimeout(UI_TIMEOUT_MS);
      const page = await context.newPage();
      const appPage: AppPage = { label, context, page, errors: [], dialogs: [] };
      page.on('console', (message) => {
        if (message.type() === 'error') appPage.errors.push(`${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => appPage.errors.push(`uncaught: ${error.message}`));
      page.on('dialog', (dialog) => {
        appPage.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      pages.push(appPage);
      await page.goto('/');
      return appPage;
    },
    async finishTest(testName) {
      const dir = path.join(ROOT, 'test-results', 'browser', testName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, ''));
      fs.mkdirSync(dir, { recursive: true });
      const finished = pages;
      pages = [];
      for (const { label, page, context } of finished) {
        await page.screenshot({ path: path.join(dir, `${label}.png`) }).catch(() => undefined);
        await context.close().catch(() => undefined);
      }
    },
    async dispose() {
      // Bounded: on a loaded machine Chromium can take its time to exit; the server's stop must still run.
      await Promise.race([browser.close().catch(() => undefined), sleep(BROWSER_CLOSE_WAIT_MS)]);
      await parley.dispose();
      fs.rmSync(webDir, { recursive: true, force: true });
    },
  };
}

/**
 * The errors of a page, less the one a signed-out visit causes by design: the browser logs the 401
 * of GET /auth/me (the session check that decides on the login screen) as a failed resource.
 */
export function unexpectedErrors(appPage: Pick<AppPage, 'errors'>): string[] {
  return appPage.errors.filter((error) => !/status of 401 \(Unauthorized\) \(http:\/\/[^/]+\/auth\/me\)$/.test(error));
}

let names = 0;
/** A username no other test uses (3-32 characters). */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${(names++).toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

export const PASSWORD = 'violet-harbor-lantern-42';

/** Waits until `locator` matches exactly `count` elements. */
export async function waitForCount(locator: Locator, count: number, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await waitFor(async () => (await locator.count()) === count, timeoutMs).catch(async () => {
    throw new Error(`expected ${count} of ${locator}, found ${await locator.count()}`);
  });
}

/** Waits until the connection banner is gone: the client is online and caught up. */
export async function waitUntilOnline(page: Page): Promise<void> {
  await page.getByTestId('me').waitFor();
  await waitForCount(page.getByTestId('connection-banner'), 0);
}

/** Creates an account from the login screen; resolves once the app is online. */
export async function register(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await waitUntilOnline(page);
}

export async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await waitUntilOnline(page);
}

/** Finds `username` with the search box and opens the conversation. */
export async function openChatWith(page: Page, username: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Find people' }).fill(username);
  await page.getByRole('button', { name: `Chat with ${username}` }).click();
  await page.getByRole('region', { name: `Conversation with ${username}` }).waitFor();
}

/** Opens the conversation with `username` from the inbox. */
export async function openFromInbox(page: Page, username: string): Promise<void> {
  await page.locator(`[data-testid="inbox-item"][data-peer="${username}"]`).click();
  await page.getByRole('region', { name: `Conversation with ${username}` }).waitFor();
}

export function messages(page: Page): Locator {
  return page.getByTestId('message-list').getByTestId('message');
}

/** The message whose text is exactly `text`. */
export function message(page: Page, text: string): Locator {
  return messages(page).filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
}

/** Types and sends a message; resolves once it is stored (shown with a tick, no longer pending). */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await message(page, text).getByTestId('ticks').waitFor();
}

/** The tick of the own message with this text: 'sent', 'delivered' or 'read'. */
export async function tickOf(page: Page, text: string): Promise<string | null> {
  return message(page, text).getByTestId('ticks').getAttribute('data-tick');
}
