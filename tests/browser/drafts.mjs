// tests/browser/drafts.mjs: nothing an operator does is lost, in Debian's
// Chromium at 390 px (a phone) and 1366 px (a laptop). The task form is
// sent with a file but a field missing that only the server checks; the
// refused page keeps the file; the field is fixed and the form sent again
// WITHOUT choosing the file, which reaches the preview. The operator
// leaves it, finds it in the task list as 待确认 and on the home page, and
// opens it again from there. Confirmed, its task page offers
// 复制为新任务, which fills the form from the task. Screenshots go to
// $ARTIFACTS. Prints `ok - ...` / `not ok - ...` lines.
//
// Environment: BASE_URL, DD_USER, DD_PASS, ARTIFACTS, LIST_GB18030 (a
// call list). run.sh sets them.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.BASE_URL;
const user = process.env.DD_USER ?? 'operator';
const pass = process.env.DD_PASS;
const list = process.env.LIST_GB18030;
const artifacts = process.env.ARTIFACTS;

const { check, counts } = checker();

if (!base || !pass || !list || !artifacts) {
  console.log('not ok - BASE_URL, DD_PASS, LIST_GB18030 and ARTIFACTS are set (run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

const submit = 'form[action="/tasks/new"] button[type=submit]';

// The page's horizontal overflow: 0 when nothing sticks out sideways.
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function story(browser, width) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Chromium logs the refused form's 422 as a failed load: that one is meant.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 422')) errors.push(m.text());
  });
  const at = `${width}px`;
  const name = `草稿测试 ${width}`;
  const shot = (n) => page.screenshot({ path: path.join(artifacts, `drafts-${width}-${n}.png`), fullPage: true });

  try {
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', pass);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    check(page.url() === `${base}/`, `${at}: the operator signs in`);

    // A form with a file and a field missing that the browser does not
    // check: voice diversion on, no audio bot id.
    await page.goto(`${base}/tasks/new`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=videoBotId]', 'vb-drafts-1');
    await page.check('input[name=isVoiceDivide]');
    await page.setInputFiles('input[name=list]', list);
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(`${base}/tasks/new`), page.click(submit)]);
    const err = await page.locator('#task-audioBotId-error').textContent().catch(() => '');
    check(err.includes('音频 bot ID'), `${at}: the refused form says what is missing, beside the field`, err);
    const kept = await page.locator('.kept-file').textContent().catch(() => '');
    check(kept.includes(path.basename(list)), `${at}: ... and names the file it kept`, kept);
    check(await page.inputValue('input[name=name]') === name, `${at}: ... the name is still there`);
    const fileInput = page.locator('input[type=file][name=list]');
    check(await fileInput.evaluate((e) => e.files.length === 0 && !e.required),
      `${at}: ... the file input is empty and not required`);
    check(await overflow(page) <= 0, `${at}: ... nothing sticks out sideways`);
    await shot('1-refused');

    // Fixed, and sent again without choosing the file.
    await page.fill('input[name=audioBotId]', 'ab-drafts-2');
    await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click(submit)]);
    const previewUrl = page.url();
    check(/\/imports\/\d+$/.test(previewUrl), `${at}: sent again without the file, the form reaches the preview`, previewUrl);
    const preview = await page.textContent('main');
    check(preview.includes(path.basename(list)), `${at}: ... of the kept file`);
    await shot('2-preview');

    // Left, then found again in the task list and on the home page.
    await page.goto(`${base}/tasks`);
    const row = page.locator('tr.draft-row', { hasText: name });
    check(await row.count() === 1, `${at}: the task list has the draft`);
    check((await row.locator('.badge').textContent()).includes('待确认'), `${at}: ... as 待确认`);
    check((await row.textContent()).includes('自动取消'), `${at}: ... with the time it is cancelled`);
    await shot('3-task-list');
    await Promise.all([page.waitForURL(previewUrl), row.locator('a').first().click()]);
    check(page.url() === previewUrl, `${at}: ... and its link opens the preview again`);

    await page.goto(`${base}/`);
    const note = page.locator('.drafts-note a');
    const noteText = await note.textContent().catch(() => '');
    check(/^[1-9]\d* 个名单待确认$/.test(noteText), `${at}: the home page says how many lists wait`, noteText);
    await shot('4-home');
    await Promise.all([page.waitForURL(/\/tasks\?status=preview$/), note.click()]);
    check(await page.locator('tr.draft-row', { hasText: name }).count() === 1,
      `${at}: ... and links to them in the task list`);

    // Confirmed: a task, whose page copies it into a new form.
    await page.goto(previewUrl);
    await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.click('form[action$="/confirm"] button[type=submit]')]);
    const copyLink = page.locator('a', { hasText: '复制为新任务' });
    check(await copyLink.count() === 1, `${at}: the task page offers 复制为新任务`);
    await shot('5-task');
    await Promise.all([page.waitForURL(/\/tasks\/new\?copy=\d+$/), copyLink.click()]);
    check(await page.inputValue('input[name=name]') === `${name}（副本）`, `${at}: the copy's name`);
    check(await page.inputValue('input[name=videoBotId]') === 'vb-drafts-1', `${at}: ... videoBotId copied`);
    check(await page.isChecked('input[name=isVoiceDivide]'), `${at}: ... voice diversion on`);
    check(await page.locator('input[name=audioBotId]').isVisible() &&
      await page.inputValue('input[name=audioBotId]') === 'ab-drafts-2', `${at}: ... audioBotId copied and shown`);
    check(await fileInput.evaluate((e) => e.required), `${at}: ... the list is not copied: a file is asked for`);
    check(await overflow(page) <= 0, `${at}: ... nothing sticks out sideways`);
    await shot('6-copy');
    check(errors.length === 0, `${at}: no script error or CSP violation`, errors.join('\n'));
  } catch (e) {
    check(false, `${at}: the drafts story runs to its end`, e.stack ?? String(e));
    await shot('failed').catch(() => {});
  } finally {
    await context.close();
  }
}

const browser = await launchChromium();
try {
  for (const width of [390, 1366]) {
    await story(browser, width);
  }
} finally {
  await browser.close();
}
process.exit(counts().failed > 0 ? 1 : 0);
