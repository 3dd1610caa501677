// tests/browser/users.mjs: an administrator runs accounts from the browser,
// at a desk (1366 px) and on a phone (390 px): creates an operator through
// the real form with a generated password, reads it once, changes the
// role on the user page; the new user signs in, is held on /account until
// choosing a password of their own, is refused a common one, and sets one.
// Screenshots go to $ARTIFACTS. Prints ok / not ok lines.
//
// Environment: BASE_URL, DD_PASS (the admin's password), ARTIFACTS.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const adminPass = process.env.DD_PASS;
const artifacts = process.env.ARTIFACTS ?? path.join(here, '..', 'artifacts', 'browser');
const { check } = checker();

if (!base || !adminPass) {
  console.log('not ok - BASE_URL and DD_PASS are set (run through tests/browser/run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

async function signIn(page, name, pass) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', name);
  await page.fill('input[name="password"]', pass);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

// Nothing may stick out sideways: the page scrolls only downwards.
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

const browser = await launchChromium();
try {
  for (const [width, height] of [[1366, 900], [390, 844]]) {
    const tag = `users-${width}`;
    const name = `clerk${width}`;
    const admin = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
    admin.setDefaultTimeout(8000);
    await signIn(admin, 'admin', adminPass);
    await admin.goto(`${base}/users`);
    check(await admin.isVisible('text=新建用户'), `${tag}: /users shows the create form`);
    check(await fitsWidth(admin), `${tag}: /users fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-list.png`), fullPage: true });

    await admin.fill('#nu-username', name);
    await admin.selectOption('#nu-role', 'operator');
    await admin.check('input[name="generate"]');
    await admin.check('input[name="must_change"]');
    await Promise.all([admin.waitForNavigation(), admin.click('text=创建用户')]);
    const generated = (await admin.textContent('#generated-password') ?? '').trim();
    check(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/.test(generated), `${tag}: the generated password is shown once`, generated);
    check(await fitsWidth(admin), `${tag}: the password page fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-generated.png`), fullPage: true });

    await Promise.all([admin.waitForNavigation(), admin.click('text=返回用户页面')]);
    await admin.selectOption('#u-role', 'auditor');
    await Promise.all([admin.waitForNavigation(), admin.click('text=修改角色')]);
    check(await admin.isVisible('text=角色已修改'), `${tag}: the role change is confirmed on the page`);
    check((await admin.textContent('.param-list')).includes('审计员'), `${tag}: the user page shows the new role`);
    check(await fitsWidth(admin), `${tag}: the user page fits ${width} px`);
    await admin.screenshot({ path: path.join(artifacts, `${tag}-user.png`), fullPage: true });

    // The new account, in a browser of its own.
    const user = await (await browser.newContext({ locale: 'zh-CN', viewport: { width, height } })).newPage();
    user.setDefaultTimeout(8000);
    await signIn(user, name, generated);
    check(new URL(user.url()).pathname === '/account', `${tag}: the new user lands on /account`, user.url());
    await user.goto(`${base}/tasks`);
    check(new URL(user.url()).pathname === '/account', `${tag}: other pages send them back to /account`, user.url());
    await user.fill('#a-old', generated);
    await user.fill('#a-new', 'qwertyuiop123');
    await user.fill('#a-again', 'qwertyuiop123');
    await Promise.all([user.waitForNavigation(), user.click('button:has-text("修改密码")')]);
    check(await user.isVisible('text=常见或有规律'), `${tag}: a common password is refused beside its field`);
    await user.screenshot({ path: path.join(artifacts, `${tag}-account-refused.png`), fullPage: true });
    await user.fill('#a-old', generated);
    await user.fill('#a-new', `${name} keeps a long pass phrase`);
    await user.fill('#a-again', `${name} keeps a long pass phrase`);
    await Promise.all([user.waitForNavigation(), user.click('button:has-text("修改密码")')]);
    check(await user.isVisible('text=密码已修改'), `${tag}: the own password is changed`);
    check(await fitsWidth(user), `${tag}: /account fits ${width} px`);
    await user.screenshot({ path: path.join(artifacts, `${tag}-account.png`), fullPage: true });
    const resp = await user.goto(`${base}/tasks`);
    check(resp.status() === 200 && new URL(user.url()).pathname === '/tasks', `${tag}: then the console opens`, user.url());
  }
} catch (err) {
  check(false, 'users.mjs ran to its end', err.stack);
} finally {
  await browser.close();
}
