// tests/browser/pages.mjs: every page of the site, for every role, at a
// phone's width (390 px) and a laptop's (1366 px), in Debian's Chromium.
// Each page is screenshot at both widths; at 390 px nothing may overflow
// the window sideways and every navigation link must lie inside it; the
// chart's labels must lie inside the chart. Then every GET form of the
// site is submitted as a person submits it, with its empty fields as they
// are and with one field filled: the answer lists rows and never says
// 筛选条件无效. Prints `ok - ...` / `not ok - ...` lines.
//
// Environment: BASE_URL, ADMIN_PASS, OPERATOR_PASS, AUDITOR_PASS,
// LIST_GB18030 (a call list to upload), ARTIFACTS. run.sh sets them.

import { checker, launchChromium } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.BASE_URL;
const list = process.env.LIST_GB18030;
const artifacts = process.env.ARTIFACTS;
const pass = {
  admin: process.env.ADMIN_PASS,
  operator: process.env.OPERATOR_PASS,
  auditor: process.env.AUDITOR_PASS,
};
const widths = [390, 1366];
const TASK_NAME = '页面巡检任务';

const { check, counts } = checker();

if (!base || !list || !artifacts || !pass.admin || !pass.operator || !pass.auditor) {
  console.log('not ok - BASE_URL, LIST_GB18030, ARTIFACTS and the passwords are set (run.sh)');
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

async function signIn(browser, role) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  if (role === null) return { context, page };
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', role);
  await page.fill('input[name=password]', pass[role]);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  check(page.url() === `${base}/`, `${role} signs in`);
  return { context, page };
}

// Submit the form matched by sel by its own button, as a person does; the
// answer's response.
async function submit(page, sel) {
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click(`${sel} button[type=submit]`),
  ]);
  return resp;
}

// What lies outside the window sideways at the current width, and which
// chart labels lie outside their chart.
async function layoutProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const vw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw > vw) out.push(`the page is ${sw} px wide in a ${vw} px window`);
    for (const a of document.querySelectorAll('.main-nav a')) {
      const r = a.getBoundingClientRect();
      if (r.width === 0 || r.left < 0 || r.right > vw + 0.5) {
        out.push(`nav link ${a.textContent} at ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return out;
  });
}

async function chartProblems(page) {
  return page.evaluate(() => {
    const out = [];
    for (const svg of document.querySelectorAll('svg[role="img"]')) {
      // What shows: the drawing, cut by the box it may scroll in.
      const r1 = svg.getBoundingClientRect();
      const r2 = (svg.closest('.chart-box') ?? svg).getBoundingClientRect();
      const box = { left: Math.max(r1.left, r2.left), right: Math.min(r1.right, r2.right),
        top: r1.top, bottom: r1.bottom, width: Math.min(r1.right, r2.right) - Math.max(r1.left, r2.left) };
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
            r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
          out.push(`"${t.textContent}" at ${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)}`);
        }
      }
    }
    return out;
  });
}

// Visit one page at both widths: its status, a screenshot of each, the
// layout checks.
async function visit(page, role, name, url, status) {
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: w < 800 ? 844 : 900 });
    const resp = await page.goto(`${base}${url}`);
    const what = `${role} ${name} (${url}) at ${w} px`;
    check(resp.status() === status, `${what} answers ${status}`, `status ${resp.status()}`);
    await page.screenshot({ path: path.join(artifacts, `pages-${role}-${name}-${w}.png`), fullPage: true });
    const lp = await layoutProblems(page);
    check(lp.length === 0, `${what}: nothing overflows sideways, every nav link in view`, lp.join('\n'));
    if (await page.locator('svg[role="img"]').count() > 0) {
      const cp = await chartProblems(page);
      check(cp.length === 0, `${what}: every chart label lies inside the chart`, cp.join('\n'));
    }
  }
}

const browser = await launchChromium();

try {
  // The operator makes what the pages show: a task sent and pushed, and a
  // list left in its preview.
  const op = await signIn(browser, 'operator');
  let page = op.page;
  async function upload(name) {
    await page.goto(`${base}/tasks/new`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=videoBotId]', 'vb-pages-1');
    await page.setInputFiles('input[name=list]', list);
    await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('form[action="/tasks/new"] button[type=submit]')]);
    return new URL(page.url()).pathname;
  }
  await upload(TASK_NAME);
  await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.click('form[action$="/confirm"] button[type=submit]')]);
  const taskPath = new URL(page.url()).pathname;
  check(/^\/tasks\/\d+$/.test(taskPath), 'the operator\'s task is created', taskPath);
  let pushed = false;
  for (let i = 0; i < 60 && !pushed; i++) {
    await page.goto(`${base}${taskPath}`);
    pushed = (await page.locator('svg[role="img"]').count()) > 0 && (await page.locator('text=已推送').count()) > 0;
    if (!pushed) await page.waitForTimeout(500);
  }
  check(pushed, 'the task is sent and its import push shown with a chart');
  const previewPath = await upload('页面巡检预览');
  check(/^\/imports\/\d+$/.test(previewPath), 'a second list waits in its preview', previewPath);

  const pages = {
    admin: [['home', '/', 200], ['tasks', '/tasks', 200], ['task', taskPath, 200],
      ['task-new', '/tasks/new', 200], ['preview', previewPath, 200], ['audit', '/audit', 200],
      ['pushes', '/pushes', 200], ['settings', '/settings', 200], ['404', '/no-such-page', 404]],
    operator: [['home', '/', 200], ['tasks', '/tasks', 200], ['task', taskPath, 200],
      ['task-new', '/tasks/new', 200], ['preview', previewPath, 200], ['403', '/settings', 403],
      ['404', '/tasks/999999', 404]],
    auditor: [['home', '/', 200], ['tasks', '/tasks', 200], ['task', taskPath, 200],
      ['audit', '/audit', 200], ['403', '/tasks/new', 403], ['404', '/no-such-page', 404]],
  };

  const anon = await signIn(browser, null);
  await visit(anon.page, 'anonymous', 'login', '/login', 200);
  await anon.context.close();

  const sessions = { operator: op };
  sessions.admin = await signIn(browser, 'admin');
  sessions.auditor = await signIn(browser, 'auditor');
  for (const role of ['admin', 'operator', 'auditor']) {
    for (const [name, url, status] of pages[role]) {
      await visit(sessions[role].page, role, name, url, status);
    }
  }

  // The GET forms, at the phone's width, as a person submits them.
  page = sessions.admin.page;
  await page.setViewportSize({ width: 390, height: 844 });
  const noFilterError = async (what, resp, rowSel) => {
    const text = await page.textContent('main');
    const rows = await page.locator(rowSel).count();
    check(resp.status() === 200 && !text.includes('筛选条件无效') && rows > 0,
      `${what}: 200, rows listed, no 筛选条件无效`, `status ${resp.status()}, ${rows} rows, ${page.url()}`);
    return rows;
  };

  await page.goto(`${base}/tasks`);
  let resp = await submit(page, 'form[action="/tasks"]');
  check(new URL(page.url()).search.includes('from=&to='), 'the task filter form sends its empty dates', page.url());
  await noFilterError('the task filter form submitted as it is', resp, 'tr[id^="task-"]');
  await page.screenshot({ path: path.join(artifacts, 'pages-form-tasks-empty-390.png'), fullPage: true });
  await page.fill('form[action="/tasks"] input[name=q]', '巡检');
  resp = await submit(page, 'form[action="/tasks"]');
  await noFilterError('the task filter form with only 任务名称 filled', resp, 'tr[id^="task-"]');
  const names = await page.locator('tr[id^="task-"] td.task-name').allTextContents();
  check(names.length > 0 && names.every((n) => n.includes('巡检')), '... and lists only matching tasks', names.join(', '));
  await page.goto(`${base}/tasks`);
  await page.selectOption('form[action="/tasks"] select[name=status]', 'sent');
  resp = await submit(page, 'form[action="/tasks"]');
  await noFilterError('the task filter form with only 状态 chosen', resp, 'tr[id^="task-"]');

  await page.goto(`${base}/audit`);
  resp = await submit(page, 'form[action="/audit"]');
  check(new URL(page.url()).search.includes('action=&'), 'the audit filter form sends its empty 操作', page.url());
  await noFilterError('the audit filter form submitted as it is', resp, 'tr[id^="audit-"]');
  await page.selectOption('form[action="/audit"] select[name=action]', 'list.uploaded');
  resp = await submit(page, 'form[action="/audit"]');
  await noFilterError('the audit filter form with only 操作 chosen', resp, 'tr[id^="audit-"]');
  const codes = await page.locator('tr[id^="audit-"] code.action-code').allTextContents();
  check(codes.length > 0 && codes.every((c) => c === 'list.uploaded'), '... and lists only that action', codes.join(', '));
  await page.screenshot({ path: path.join(artifacts, 'pages-form-audit-action-390.png'), fullPage: true });
  await page.goto(`${base}/audit`);
  await page.fill('form[action="/audit"] input[name=user]', 'operator');
  resp = await submit(page, 'form[action="/audit"]');
  await noFilterError('the audit filter form with only 操作人 filled', resp, 'tr[id^="audit-"]');

  await page.goto(`${base}/`);
  resp = await submit(page, 'form[action="/"]');
  check(new URL(page.url()).search.includes('creator='), 'the home page\'s creator form sends its empty field', page.url());
  check(resp.status() === 200, 'the home page\'s form submitted as it is answers 200', `status ${resp.status()}`);
  const creator = await page.locator('form[action="/"] select[name=creator] option', { hasText: 'operator' }).getAttribute('value');
  await page.selectOption('form[action="/"] select[name=creator]', creator);
  resp = await submit(page, 'form[action="/"]');
  check(resp.status() === 200 && (await page.textContent('main')).includes(TASK_NAME),
    'the home page\'s form with a creator chosen answers 200 with that creator\'s task', `status ${resp.status()}`);
} catch (e) {
  check(false, 'the page tour runs to its end', e.stack ?? String(e));
} finally {
  await browser.close();
}
process.exit(counts().failed > 0 ? 1 : 0);
