// tests/browser/lists.mjs: lists as offices have them, in Debian's
// Chromium at 1366 px and at 390 px (a phone): upload an .xlsx with a
// title row above the header, read which header row the preview took,
// pick another through the 表头所在的行 form and back, switch sheets
// through the 工作表 form, then cancel and see the clean 已取消 page.
// Screenshots go to $ARTIFACTS. Prints `ok - ...` / `not ok - ...` lines.
//
// Environment: BASE_URL, DD_USER, DD_PASS, ARTIFACTS, LISTS_DIR (the
// call-list fixtures). run.sh sets them.

import { atBothWidths, check, need, signIn, widthPage } from './story.mjs';
import path from 'node:path';

const env = need('BASE_URL', 'DD_PASS', 'LISTS_DIR', 'ARTIFACTS');
const base = env.BASE_URL;
const user = process.env.DD_USER ?? 'operator';
const pass = env.DD_PASS;
const lists = env.LISTS_DIR;

async function upload(page, file, name) {
  await page.goto(`${base}/tasks/new`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=videoBotId]', 'vb-lists-1');
  await page.setInputFiles('input[name=list]', path.join(lists, file));
  await Promise.all([page.waitForURL(/\/imports\/\d+$/),
    page.click('form[action="/tasks/new"] button[type=submit]')]);
}

async function header(page) {
  return (await page.textContent('.fact-header dd')).trim();
}

// Submit one of the preview's forms by its select, as a person would.
async function choose(page, select, label) {
  const form = page.locator('form', { has: page.locator(`select[name=${select}]`) });
  const value = await form.locator(`select[name=${select}] option`, { hasText: label })
    .first().getAttribute('value');
  await form.locator(`select[name=${select}]`).selectOption(value);
  await Promise.all([page.waitForURL(/\/imports\/\d+$/), form.locator('button[type=submit]').click()]);
}

async function story(browser, width) {
  const { tag, context, page, errors, shot, overflow } = await widthPage(browser, width, 'lists', env.ARTIFACTS);

  await signIn(page, base, user, pass);

  await upload(page, 'office-title.xlsx', `标题行 ${tag}`);
  check(await header(page) === '第 4 行', `${tag}: the preview took row 4 as the header`);
  check((await page.textContent('main')).includes('2026-11-28'), `${tag}: dates show as the sheet shows them`);
  check(!(await overflow()), `${tag}: the preview does not scroll sideways`);
  await shot('1-title');

  await choose(page, 'header_row', '第 3 行');
  check(await header(page) === '第 3 行', `${tag}: picking row 3 in the header form reads the list with it`);
  await choose(page, 'header_row', '第 4 行');
  check(await header(page) === '第 4 行', `${tag}: and row 4 again`);

  await upload(page, 'office-multi.xlsx', `多表 ${tag}`);
  const facts = await page.textContent('.fact-sheet dd');
  check(facts.includes('名单'), `${tag}: the first sheet with rows is read`, facts);
  check((await page.textContent('.sheet-note')).includes('补充'), `${tag}: the other sheet with rows is named`);
  await shot('2-sheets');
  await choose(page, 'sheet', '补充');
  check((await page.textContent('.fact-sheet dd')).includes('补充'), `${tag}: the sheet form switches to 补充`);

  await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('form[action$="/cancel"] button[type=submit]')]);
  check((await page.textContent('#cancelled-title')) === '已取消', `${tag}: cancelling shows 已取消`);
  check(await page.locator('table').count() === 0, `${tag}: no table is left on the cancelled page`);
  check(!(await page.textContent('main')).includes('将分批发送'), `${tag}: nor a batch count`);
  await shot('3-cancelled');
  check(errors.length === 0, `${tag}: no script error or CSP violation`, errors.join('\n'));
  await context.close();
}

await atBothWidths('lists', story);
