// tests/browser/pushes.mjs: an administrator ties the vendor's unmatched
// pushes to batches through /pushes's own forms, at a desk (1366 px) and
// on a phone (390 px). The rows' forms take the page's one CSRF value,
// set once for the page rather than once a row (issue 12): a link that
// goes through proves the browser sent the right one. A batch number that does not exist is
// refused with its message and loses nothing; the right one moves the push
// out of the unmatched list. Screenshots go to $ARTIFACTS. Prints ok / not
// ok lines.
//
// Environment: BASE_URL, ADMIN_PASS, BATCH_ID (a batch that exists),
// PUSH_SNS (the vendor task ids of two unmatched pushes, comma-separated),
// ARTIFACTS.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const adminPass = process.env.ADMIN_PASS;
const batch = process.env.BATCH_ID;
const sns = (process.env.PUSH_SNS ?? '').split(',').filter(Boolean);
const artifacts = process.env.ARTIFACTS ?? path.join(here, '..', 'artifacts', 'browser');
const { check } = checker();

if (!base || !adminPass || !/^[0-9]+$/.test(batch ?? '') || sns.length !== 2) {
  console.log('not ok - BASE_URL, ADMIN_PASS, BATCH_ID and two PUSH_SNS are set (run through tests/browser/run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

async function signIn(page, name, pass) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', pass);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

// The unmatched push's row, found by the vendor task id it shows.
function rowOf(page, sn) {
  return page.locator('.pushes-table tbody tr', { has: page.locator('code', { hasText: sn }) });
}

const browser = await launchChromium();
try {
  for (const [i, [width, height]] of [[1366, 900], [390, 844]].entries()) {
    const tag = `pushes-${width}`;
    const sn = sns[i];
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
    page.setDefaultTimeout(8000);
    await signIn(page, 'admin', adminPass);
    await Promise.all([page.waitForNavigation(), page.click('nav a[href="/pushes"]')]);
    check(new URL(page.url()).pathname === '/pushes', `${tag}: the navigation opens /pushes`, page.url());
    const row = rowOf(page, sn);
    check(await row.count() === 1, `${tag}: the unmatched push ${sn} has its row`);
    const tokens = await page.locator('input[name="csrf"]').evaluateAll((l) => l.map((e) => e.value));
    check(tokens.length > 1 && tokens[0].length > 0 && tokens.every((t) => t === tokens[0]),
      `${tag}: ... and every form on the page carries the page's one CSRF value`, tokens.length);
    await page.screenshot({ path: path.join(artifacts, `${tag}.png`), fullPage: true });

    // A batch that does not exist: refused, the push stays unmatched.
    await row.locator('input[name="batch"]').fill('987654321');
    const [bad] = await Promise.all([page.waitForNavigation(), row.locator('button:has-text("关联")').click()]);
    check(bad.status() === 404, `${tag}: a batch number that does not exist is refused (404)`, String(bad.status()));
    check((await page.content()).includes('无法关联'), `${tag}: ... saying 无法关联`);
    await page.screenshot({ path: path.join(artifacts, `${tag}-refused.png`), fullPage: true });
    await page.goto(`${base}/pushes`);
    check(await rowOf(page, sn).count() === 1, `${tag}: ... and the push is still unmatched`);

    // The right batch: linked, and gone from the unmatched list.
    await rowOf(page, sn).locator('input[name="batch"]').fill(batch);
    const [good] = await Promise.all([page.waitForNavigation(),
      rowOf(page, sn).locator('button:has-text("关联")').click()]);
    check(good.status() === 200 && new URL(page.url()).pathname === '/pushes',
      `${tag}: linking to batch ${batch} goes through (the CSRF value was sent) and returns to /pushes`,
      `${good.status()} ${page.url()}`);
    check(await rowOf(page, sn).count() === 0, `${tag}: ... and ${sn} is no longer unmatched`);
    check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
      `${tag}: /pushes fits ${width} px`);
    await page.screenshot({ path: path.join(artifacts, `${tag}-linked.png`), fullPage: true });
  }
} finally {
  await browser.close();
}
