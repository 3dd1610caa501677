// tests/browser/paging.mjs: paging a filtered list, in Debian's Chromium at
// 1366 px and at 390 px. The audit log filtered through its form (操作人
// operator, 操作 权限不足), then 下一页 and 上一页 clicked: the second page
// holds older entries of the same filter, none of the first page's, and
// 上一页 brings the first page back. The same on the task list filtered by
// 状态 and 创建人. Screenshots go to $ARTIFACTS. Prints `ok - ...` /
// `not ok - ...` lines.
//
// Environment: BASE_URL, ADMIN_PASS, OPERATOR_PASS, ARTIFACTS. run.sh
// seeds more than two pages of sent tasks of the operator before it runs.

import { atBothWidths, check, need, signIn, widthPage } from './story.mjs';

const env = need('BASE_URL', 'ADMIN_PASS', 'OPERATOR_PASS', 'ARTIFACTS');
const base = env.BASE_URL;
const adminPass = env.ADMIN_PASS;
const operatorPass = env.OPERATOR_PASS;

// The ids of the rows shown, from their id="audit-N" / id="task-N".
async function rowIds(page, prefix) {
  return page.$$eval(`tbody tr[id^="${prefix}-"]`,
    (trs, p) => trs.map((tr) => Number(tr.id.slice(p.length + 1))), prefix);
}

// Click a pager link and wait for the page it leads to.
async function clickPager(page, rel) {
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(/[?&](before|after)=\d+/),
    page.click(`nav.pager a[rel=${rel}]`)]);
}

const descending = (ids) => ids.every((v, i) => i === 0 || ids[i - 1] > v);

async function story(browser, width) {
  const { tag, context, page, errors, shot, overflow } = await widthPage(browser, width, 'paging', env.ARTIFACTS);

  // Sixty refusals of the operator: more than two pages of 25.
  const op = await browser.newContext({ locale: 'zh-CN' });
  const opPage = await op.newPage();
  await signIn(opPage, base, 'operator', operatorPass);
  for (let i = 0; i < 60; i++) await opPage.request.get(`${base}/users`);
  await op.close();

  await signIn(page, base, 'admin', adminPass);
  await page.goto(`${base}/audit`);
  await page.fill('#f-user', 'operator');
  await page.selectOption('#f-action', 'permission.denied');
  await Promise.all([page.waitForURL(/\/audit\?.*action=permission\.denied/),
    page.click('form[action="/audit"] button[type=submit]')]);
  const first = await rowIds(page, 'audit');
  check(first.length === 25, `${tag}: the filtered audit log shows 25 entries`, first.join(','));
  check(descending(first), `${tag}: newest first`);
  const actions = await page.$$eval('tbody tr[id^="audit-"] td:nth-child(4)', (tds) => tds.map((t) => t.textContent.trim()));
  check(actions.every((a) => a.includes('权限不足')), `${tag}: every entry is a refusal`, actions.join(','));
  check(!(await overflow()), `${tag}: the audit page does not scroll sideways`);
  await shot('1-audit-first');

  await clickPager(page, 'next');
  const second = await rowIds(page, 'audit');
  check(second.length === 25, `${tag}: 下一页 shows 25 more`, second.join(','));
  check(second[0] < first[first.length - 1], `${tag}: all of them older than the first page's`,
    `${second[0]} vs ${first[first.length - 1]}`);
  check(await page.inputValue('#f-user') === 'operator', `${tag}: the user filter is kept`);
  check(await page.inputValue('#f-action') === 'permission.denied', `${tag}: the action filter is kept`);
  await shot('2-audit-second');

  await clickPager(page, 'prev');
  const back = await rowIds(page, 'audit');
  check(back.join(',') === first.join(','), `${tag}: 上一页 brings the first page back`, back.join(','));

  // The task list, filtered by state and creator through its form.
  await page.goto(`${base}/tasks`);
  await page.selectOption('#f-status', 'sent');
  await page.selectOption('#f-creator', { label: 'operator' });
  await Promise.all([page.waitForURL(/\/tasks\?.*status=sent/),
    page.click('form[action="/tasks"] button[type=submit]')]);
  const tfirst = await rowIds(page, 'task');
  check(tfirst.length === 50, `${tag}: the filtered task list shows 50 tasks`, tfirst.join(','));
  check(descending(tfirst), `${tag}: newest first`);
  check(!(await overflow()), `${tag}: the task list does not scroll sideways`);
  await shot('3-tasks-first');
  await clickPager(page, 'next');
  const tsecond = await rowIds(page, 'task');
  check(tsecond.length > 0 && tsecond[0] < tfirst[tfirst.length - 1],
    `${tag}: 下一页 shows older tasks of the same filter`, tsecond.join(','));
  check(await page.inputValue('#f-status') === 'sent', `${tag}: the state filter is kept`);
  await shot('4-tasks-second');
  await clickPager(page, 'prev');
  check((await rowIds(page, 'task')).join(',') === tfirst.join(','), `${tag}: 上一页 brings the first tasks back`);

  check(errors.length === 0, `${tag}: no script error or CSP violation`, errors.join('\n'));
  await context.close();
}

await atBothWidths('paging', story);
