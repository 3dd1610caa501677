// tests/browser/dnc.mjs: the do-not-call list in the browser, at a desk
// (1366 px) and on a phone (390 px). An administrator adds a number through
// the real form, written as people write it, with a reason and an expiry;
// the list shows it masked; the search form finds it by the whole number;
// an operator sees the same list masked and without the forms that change
// it; the administrator removes it with its row's 移除 (the rows' buttons
// share one form and its CSRF token). Screenshots go to $ARTIFACTS. Prints ok / not ok lines.
//
// Environment: BASE_URL, ADMIN_PASS, OPERATOR_PASS, ARTIFACTS.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const adminPass = process.env.ADMIN_PASS;
const operatorPass = process.env.OPERATOR_PASS;
const artifacts = process.env.ARTIFACTS ?? path.join(here, '..', 'artifacts', 'browser');
const { check } = checker();

if (!base || !adminPass || !operatorPass) {
  console.log('not ok - BASE_URL, ADMIN_PASS and OPERATOR_PASS are set (run through tests/browser/run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

async function signIn(page, name, pass) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', pass);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

const browser = await launchChromium();
try {
  for (const [width, height, last4] of [[1366, 900, '7001'], [390, 844, '7002']]) {
    const tag = `dnc-${width}`;
    const whole = `1391234${last4}`;
    const masked = `139****${last4}`;
    const admin = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
    admin.setDefaultTimeout(8000);
    await signIn(admin, 'admin', adminPass);
    // Through the navigation, as a person finds it.
    await Promise.all([admin.waitForNavigation(), admin.click('nav >> text=免打扰')]);
    check(new URL(admin.url()).pathname === '/dnc', `${tag}: 免打扰 in the navigation opens /dnc`, admin.url());
    check(await admin.isVisible('#dnc-add-title'), `${tag}: the administrator sees the add form`);

    await admin.fill('#dnc-phone', `+86 139-1234-${last4}`);
    await admin.fill('#dnc-reason', '客户投诉');
    await admin.fill('#dnc-expires', '2099-06-30');
    await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("加入免打扰名单")')]);
    const row = admin.locator('.dnc-table tbody tr', { hasText: masked });
    check(await row.count() === 1, `${tag}: the list shows ${masked}`);
    check((await row.textContent()).includes('客户投诉') && (await row.textContent()).includes('2099-06-30'),
      `${tag}: ... with its reason and expiry`);
    check(!(await admin.content()).includes(whole), `${tag}: ... and never the whole number`);
    check(await fitsWidth(admin), `${tag}: /dnc fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-admin.png`), fullPage: true });

    await admin.fill('#dnc-q', whole);
    await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("查询")')]);
    check((await admin.textContent('#dnc-result')).includes(`${masked} 在免打扰名单中`),
      `${tag}: the search finds it, masked`);
    check(!new URL(admin.url()).search.includes(last4), `${tag}: ... with no number in the URL`, admin.url());
    await admin.screenshot({ path: path.join(artifacts, `${tag}-search.png`), fullPage: true });

    const op = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
    op.setDefaultTimeout(8000);
    await signIn(op, 'operator', operatorPass);
    await op.goto(`${base}/dnc`);
    check(await op.locator('.dnc-table tbody tr', { hasText: masked }).count() === 1,
      `${tag}: the operator sees ${masked}`);
    check(!(await op.content()).includes(whole), `${tag}: ... masked`);
    check(!(await op.isVisible('#dnc-add-title')) && await op.locator('button:has-text("移除")').count() === 0,
      `${tag}: ... without the forms that change the list`);
    check(await fitsWidth(op), `${tag}: the operator's /dnc fits ${width} px`);
    await op.screenshot({ path: path.join(artifacts, `${tag}-operator.png`), fullPage: true });

    await admin.goto(`${base}/dnc`);
    const own = admin.locator('.dnc-table tbody tr', { hasText: masked });
    await Promise.all([admin.waitForNavigation(), own.locator('button:has-text("移除")').click()]);
    check(new URL(admin.url()).pathname === '/dnc', `${tag}: 移除 comes back to /dnc`, admin.url());
    check(await admin.locator('.dnc-table tbody tr', { hasText: masked }).count() === 0,
      `${tag}: ... and ${masked} is off the list`);
  }
} catch (err) {
  check(false, 'dnc.mjs ran to its end', err.stack);
} finally {
  await browser.close();
}
