// tests/browser/task.mjs: an operator's campaign, in Debian's Chromium: fill
// the task form (the dependent fields appear as their switches are ticked),
// upload a call list saved by Excel in GB18030, check the preview, confirm,
// watch the batches go out to the sandbox vendor, wait for its import push,
// and read the breakdown and its chart on the task page. Screenshots go to
// tests/artifacts/browser/. Prints `ok - ...` / `not ok - ...` lines.
//
// Environment: BASE_URL, DD_USER, DD_PASS, ARTIFACTS, LIST_GB18030 (the
// path of the GB18030 list), LIST_ROWS (its valid rows). run.sh sets them.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.BASE_URL;
const user = process.env.DD_USER ?? 'operator';
const pass = process.env.DD_PASS;
const list = process.env.LIST_GB18030;
const rows = Number(process.env.LIST_ROWS ?? '0');
const artifacts = process.env.ARTIFACTS;

const { check, counts } = checker();

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

if (!base || !pass || !list || !artifacts) {
  console.log('not ok - BASE_URL, DD_PASS, LIST_GB18030 and ARTIFACTS are set (run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launchChromium();

try {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') scriptErrors.push(m.text()); });

  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pass);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  check(page.url() === `${base}/`, 'the operator signs in');

  // The form: dependent fields hidden until their switch is on.
  await page.goto(`${base}/tasks/new`);
  const sms = page.locator('[data-depends-on="isRelateSendMessage"]');
  check(await sms.isHidden(), 'the SMS fields are hidden while the SMS switch is off');
  await page.fill('input[name=name]', '浏览器测试任务');
  await page.fill('input[name=videoBotId]', 'vb-browser-1');
  await page.check('input[name=isRelateSendMessage]');
  check(await sms.isVisible(), 'ticking the SMS switch shows its fields');
  await page.fill('input[name=msgTemplateId]', '600184215');
  await page.fill('input[name=msgTitle]', '甜新科技');
  await page.selectOption('select[name=sendMessagePhase]', '2');
  await page.setInputFiles('input[name=list]', list);
  await shot(page, 'task-1-form.png');
  await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('form[action="/tasks/new"] button[type=submit]')]);
  check(/\/imports\/\d+$/.test(page.url()), 'the upload leads to the preview', page.url());

  // The preview.
  const preview = await page.textContent('main');
  check(preview.includes('GB18030'), 'the preview names the encoding GB18030');
  check(preview.includes(String(rows)), `the preview counts ${rows} valid rows`);
  check(/1\d\d\*\*\*\*\d{4}/.test(preview), 'sample phones are masked');
  check(!/1\d{10}/.test(preview.replace(/\s/g, '')), 'no phone is shown whole');
  await shot(page, 'task-2-preview.png');

  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.click('form[action$="/confirm"] button[type=submit]')]);
  const taskUrl = page.url();
  check(/\/tasks\/\d+$/.test(taskUrl), 'confirming leads to the task page', taskUrl);

  // The worker sends; the page refreshes itself while batches go out.
  let sent = false;
  for (let i = 0; i < 30 && !sent; i++) {
    await page.goto(taskUrl);
    const badges = await page.locator('table.batches-table .badge, .batches-table .badge').allTextContents();
    sent = badges.length > 0 && badges.every((b) => b.includes('已发送'));
    if (!sent) await page.waitForTimeout(500);
  }
  check(sent, 'every batch of the task is sent');

  // The sandbox pushes its import figures; the page shows them.
  let pushed = false;
  for (let i = 0; i < 30 && !pushed; i++) {
    await page.goto(taskUrl);
    pushed = (await page.locator('text=已推送').count()) > 0;
    if (!pushed) await page.waitForTimeout(500);
  }
  check(pushed, 'the vendor\'s import push arrives and is shown');
  const body = await page.textContent('main');
  check(body.includes('供应商导入结果'), 'the breakdown section is there');
  for (const label of ['导入总数', '成功', '黑名单', '重复', '实号', '空号', '停机', '库无', '沉默', '风险', '超频']) {
    check(body.includes(label), `the breakdown shows ${label}`);
  }
  const svg = page.locator('svg[role="img"]');
  check(await svg.count() === 1, 'one chart is drawn as inline SVG');
  const bars = await page.locator('svg[role="img"] rect.bar').count();
  check(bars === 12, `the chart has a bar per figure (${bars})`);
  const desc = await page.locator('svg[role="img"] desc').textContent();
  check(desc.includes('成功'), 'the chart has a text description', desc);
  await shot(page, 'task-3-result.png');

  check(scriptErrors.length === 0, 'no script error or CSP violation', scriptErrors.join('\n'));
} catch (e) {
  check(false, 'the task story runs to its end', e.stack ?? String(e));
} finally {
  await browser.close();
}
process.exit(counts().failed > 0 ? 1 : 0);
