// tests/browser/login.mjs: a person's first visit, in Debian's Chromium:
// sign in through the form, land on the home page, open the audit log and
// find that very sign-in there, sign out. Screenshots of each step go to
// tests/artifacts/browser/. Prints `ok - ...` / `not ok - ...` lines and
// `N passed, M failed`; exits non-zero on any failure.
//
// Environment: BASE_URL (http://127.0.0.1:PORT), DD_USER, DD_PASS,
// ARTIFACTS (folder for screenshots). run.sh sets them.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const user = process.env.DD_USER ?? 'admin';
const pass = process.env.DD_PASS;
const artifacts = process.env.ARTIFACTS ?? path.join(here, '..', 'artifacts', 'browser');

const { check, counts } = checker();

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

if (!base || !pass) {
  console.log('not ok - BASE_URL and DD_PASS are set (run through tests/browser/run.sh)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launchChromium();

try {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);

  // What a person would not see but should not happen: script errors, and
  // pieces of our own pages that fail to load.
  const pageErrors = [];
  const badResources = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('response', (resp) => {
    const url = new URL(resp.url());
    if (url.origin === new URL(base).origin && url.pathname.startsWith('/static/') && resp.status() >= 400) {
      badResources.push(`${resp.status()} ${url.pathname}`);
    }
  });

  let resp = await page.goto(`${base}/login`);
  check(resp.status() === 200, 'GET /login answers 200', `status ${resp.status()}`);
  check((await page.title()).includes('登录'), 'the login page is titled 登录', await page.title());
  await shot(page, '01-login.png');

  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', pass);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { timeout: 15000 }).catch(() => {}),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await page.waitForLoadState('load');
  const home = new URL(page.url());
  await shot(page, '02-home.png');
  check(home.pathname === '/', 'signing in through the form lands on /', `at ${page.url()}: ` +
    (await page.locator('h1, .error').allTextContents()).join(' '));
  if (home.pathname !== '/') throw new Error('not signed in: the rest cannot run');
  const shownName = (await page.locator('.user-name').first().textContent().catch(() => '')) ?? '';
  check(shownName.trim() === user, `the page header names the user ${user}`, `shows '${shownName}'`);
  const heading = (await page.locator('h1').first().textContent().catch(() => '')) ?? '';
  check(heading.includes(user), `the home page greets ${user}`, `h1 is '${heading}'`);

  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === 'dd_session');
  check(session !== undefined, 'the browser holds a dd_session cookie',
    cookies.map((c) => c.name).join(', '));
  check(session?.httpOnly === true, 'the session cookie is HttpOnly');
  check(session?.sameSite === 'Lax', 'the session cookie is SameSite=Lax', session?.sameSite);
  const scriptSees = await page.evaluate(() => document.cookie);
  check(!scriptSees.includes('dd_session'), 'page scripts cannot read the session cookie', scriptSees);

  resp = await page.goto(`${base}/audit`);
  check(resp.status() === 200 && new URL(page.url()).pathname === '/audit',
    'an admin opens /audit', `at ${page.url()}, status ${resp.status()}`);
  const ownLogin = page.locator('tr', { has: page.locator('code.action-code', { hasText: /^login\.ok$/ }) })
    .filter({ hasText: user });
  const rows = await ownLogin.count();
  check(rows >= 1, `the audit log shows ${user}'s login.ok entry`, `${rows} matching rows`);
  await shot(page, '03-audit.png');

  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login', { timeout: 15000 }).catch(() => {}),
    page.click('form[action="/logout"] button[type="submit"]'),
  ]);
  check(new URL(page.url()).pathname === '/login', 'signing out lands on /login', `at ${page.url()}`);
  await shot(page, '04-signed-out.png');
  resp = await page.goto(`${base}/`);
  check(new URL(page.url()).pathname === '/login', 'after signing out / leads to the login page',
    `at ${page.url()}, status ${resp.status()}`);

  check(pageErrors.length === 0, 'no script errors on the pages', pageErrors.join('\n'));
  check(badResources.length === 0, 'every /static/ file the pages use loads', badResources.join('\n'));
} catch (err) {
  check(false, 'the visit runs to its end', err.stack ?? String(err));
} finally {
  await browser.close();
}

const { passed, failed } = counts();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
