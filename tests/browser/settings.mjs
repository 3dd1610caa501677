// tests/browser/settings.mjs: the vendor settings in the browser. An
// administrator, at a desk (1366 px) and on a phone (390 px), changes
// settings through the page's real form: a bad value comes back beside
// its field with nothing saved, a good form is saved and shown at once
// with where it comes from, a typed secret is never shown again; the
// request preview opens from the form. An auditor reads the same page
// without any form; an operator is refused it. Screenshots go to
// $ARTIFACTS. Prints ok / not ok lines. Run it after the tests that send
// tasks: it changes the settings in force.
//
// Environment: BASE_URL, ADMIN_PASS, OPERATOR_PASS, AUDITOR_PASS, ARTIFACTS.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const pass = { admin: process.env.ADMIN_PASS, operator: process.env.OPERATOR_PASS, auditor: process.env.AUDITOR_PASS };
const artifacts = process.env.ARTIFACTS ?? path.join(here, '..', 'artifacts', 'browser');
const { check } = checker();

if (!base || !pass.admin || !pass.operator || !pass.auditor) {
  console.log('not ok - BASE_URL and the three passwords are set (run through tests/browser/run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

async function signIn(browser, name, width, height) {
  const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
  page.setDefaultTimeout(8000);
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', pass[name]);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  return page;
}

async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

// The value 设置 shows for a key.
async function shownValue(page, key) {
  return ((await page.textContent(`#setting-${key} > dd:not([class])`)) ?? '').trim();
}

const browser = await launchChromium();
try {
  for (const [width, height] of [[1366, 900], [390, 844]]) {
    const tag = `settings-${width}`;
    const admin = await signIn(browser, 'admin', width, height);
    let resp = await admin.goto(`${base}/settings`);
    check(resp.status() === 200 && await admin.isVisible('button:has-text("保存修改")'), `${tag}: an administrator's 设置 has the form`);
    check(await fitsWidth(admin), `${tag}: 设置 fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-admin.png`), fullPage: true });

    // A bad value: refused beside its field, nothing saved.
    const before = await shownValue(admin, 'batch_size');
    await admin.fill('#f-batch_size', '60000');
    await admin.fill('#f-vendor_timeout', width === 1366 ? '41' : '39');
    [resp] = await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("保存修改")')]);
    check(resp.status() === 422, `${tag}: batch_size 60000 is refused (422)`, resp.status());
    check(((await admin.textContent('#e-batch_size')) ?? '').includes('须为 1 到 50000 的整数'), `${tag}: ... the reason beside the field`);
    check(await admin.inputValue('#f-batch_size') === '60000' && await admin.inputValue('#f-vendor_timeout') === (width === 1366 ? '41' : '39'),
      `${tag}: ... the form comes back as it was filled`);
    check(await shownValue(admin, 'batch_size') === before, `${tag}: ... and nothing was saved`);
    check(await fitsWidth(admin), `${tag}: the refused form fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-refused.png`), fullPage: true });

    // A good form, with a secret typed.
    const secret = `browser-sign-key-${width}`;
    const size = width === 1366 ? '7000' : '8000';
    await admin.fill('#f-batch_size', size);
    await admin.fill('#f-sign_key', secret);
    [resp] = await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("保存修改")')]);
    check(resp.status() === 200 && await admin.isVisible('text=已保存 3 项修改'), `${tag}: batch_size, vendor_timeout and sign_key are saved`, resp.status());
    check(await shownValue(admin, 'batch_size') === size, `${tag}: ... the new batch_size is in force`);
    check(((await admin.textContent('#setting-batch_size .setting-source')) ?? '').startsWith('本页修改：admin'), `${tag}: ... changed on the page, by admin`);
    check(await shownValue(admin, 'sign_key') === '已设置（不显示）' && await admin.inputValue('#f-sign_key') === '', `${tag}: ... the secret shows only as set`);
    check(!(await admin.content()).includes(secret), `${tag}: ... and its value is nowhere on the page`);
    check(await admin.locator('.settings-history-table tbody tr').count() >= 3, `${tag}: the history lists the changes`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-saved.png`), fullPage: true });

    await Promise.all([admin.waitForNavigation(), admin.click('text=预览下一批请求')]);
    check(/[0-9a-f]{64}/.test((await admin.textContent('.preview-sign')) ?? ''), `${tag}: the request preview shows a sign`);
    check(!(await admin.content()).includes(secret), `${tag}: ... never the key`);
    check(await fitsWidth(admin), `${tag}: the preview fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-preview.png`), fullPage: true });

    const auditor = await signIn(browser, 'auditor', width, height);
    resp = await auditor.goto(`${base}/settings`);
    check(resp.status() === 200 && await shownValue(auditor, 'batch_size') === size, `${tag}: an auditor reads 设置 with the values in force`);
    check(await auditor.locator('form[action="/settings"], #f-batch_size, input[type="password"]').count() === 0, `${tag}: ... without any form`);
    check(await auditor.isVisible('nav >> text=设置'), `${tag}: ... and finds it in the navigation`);
    check(await fitsWidth(auditor), `${tag}: the auditor's 设置 fits ${width} px`);
    await auditor.screenshot({ path: path.join(artifacts, `${tag}-auditor.png`), fullPage: true });

    const operator = await signIn(browser, 'operator', width, height);
    resp = await operator.goto(`${base}/settings`);
    check(resp.status() === 403, `${tag}: an operator is refused 设置 (403)`, resp.status());
    await operator.screenshot({ path: path.join(artifacts, `${tag}-operator-403.png`), fullPage: true });
    for (const p of [admin, auditor, operator]) await p.context().close();
  }
} catch (err) {
  check(false, 'settings.mjs ran to its end', err.stack);
} finally {
  await browser.close();
}
