// tests/browser/story.mjs: the set-up that the stories told at both widths
// share (lists.mjs, paging.mjs): the environment they need, a sign-in
// through the login form, a page at one width that collects script errors
// and takes screenshots, and the run over 1366 px and 390 px.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const { check, counts } = checker();

// The environment variables NAMES (ARTIFACTS among them), each set, as an
// object; a `not ok` line and exit 1 when one is not. ARTIFACTS is made.
export function need(...names) {
  const env = {};
  for (const name of names) env[name] = process.env[name];
  if (names.some((name) => !env[name])) {
    const list = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    console.log(`not ok - ${list} are set (run.sh)`);
    process.exit(1);
  }
  mkdirSync(env.ARTIFACTS, { recursive: true });
  return env;
}

// Sign in through the login form at BASE and wait for the home page.
export async function signIn(page, base, user, pass) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pass);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
}

// A fresh context and page at WIDTH (zh-CN, 900 px high) that collects
// script errors and CSP violations in errors; shot(name) saves
// NAME-WIDTH-name.png under ARTIFACTS; overflow() tells whether the page
// scrolls sideways.
export async function widthPage(browser, width, name, artifacts) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const shot = (what) => page.screenshot({ path: path.join(artifacts, `${name}-${width}-${what}.png`), fullPage: true });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  return { tag: `${width}px`, context, page, errors, shot, overflow };
}

// story(browser, width) at 1366 px, then 390 px, in one Chromium; a throw
// is a failure (`the NAME story runs to its end`). Exits 1 on a failure.
export async function atBothWidths(name, story) {
  const browser = await launchChromium();
  try {
    for (const width of [1366, 390]) await story(browser, width);
  } catch (e) {
    check(false, `the ${name} story runs to its end`, e.stack ?? String(e));
  } finally {
    await browser.close();
  }
  process.exit(counts().failed > 0 ? 1 : 0);
}
