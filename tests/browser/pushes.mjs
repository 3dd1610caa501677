// tests/browser/pushes.mjs: an administrator ties the vendor's unmatched
// pushes to batches through /pushes's own forms, at a desk (1366 px) and
// on a phone (390 px). The rows' forms take the page's one CSRF value,
// set once for the page rather than once a row (issue 12): a link that
// goes through proves the browser sent the right one. A batch number that
// does not exist is refused with its message and loses nothing; the right
// one moves the push out of the unmatched list. Screenshots go to
// $ARTIFACTS. Prints ok / not ok lines.
//
// Environment: BASE_URL, ADMIN_PASS, BATCH_ID (a batch that exists),
// PUSH_SNS (the vendor task ids of two unmatched pushes, comma-separated),
// ARTIFACTS. run.sh sets them.

import { atBothWidths, check, need, signIn, widthPage } from './story.mjs';

const env = need('BASE_URL', 'ADMIN_PASS', 'BATCH_ID', 'PUSH_SNS', 'ARTIFACTS');
const base = env.BASE_URL;
const batch = env.BATCH_ID;
const sns = env.PUSH_SNS.split(',');

// The unmatched push's row, found by the vendor task id it shows.
function rowOf(page, sn) {
  return page.locator('.pushes-table tbody tr', { has: page.locator('code', { hasText: sn }) });
}

await atBothWidths('pushes', async (browser, width) => {
  const { tag, page, errors, shot, overflow } = await widthPage(browser, width, 'pushes', env.ARTIFACTS);
  const sn = sns[width === 1366 ? 0 : 1];
  await signIn(page, base, 'admin', env.ADMIN_PASS);
  await Promise.all([page.waitForURL(`${base}/pushes`), page.click('nav a[href="/pushes"]')]);
  const row = rowOf(page, sn);
  check(await row.count() === 1, `${tag}: the navigation opens /pushes, where the unmatched push ${sn} has its row`);
  const tokens = await page.locator('input[name="csrf"]').evaluateAll((l) => l.map((e) => e.value));
  check(tokens.length > 1 && tokens[0].length > 0 && tokens.every((t) => t === tokens[0]),
    `${tag}: ... and every form on the page carries the page's one CSRF value`, tokens.length);
  await shot('list');
  check(errors.length === 0, `${tag}: no script error or CSP violation on /pushes`, errors.join('\n'));

  // A batch that does not exist: refused, the push stays unmatched.
  await row.locator('input[name="batch"]').fill('987654321');
  const [bad] = await Promise.all([page.waitForNavigation(), row.locator('button:has-text("关联")').click()]);
  check(bad.status() === 404 && (await page.content()).includes('无法关联'),
    `${tag}: a batch number that does not exist is refused (404, 无法关联)`, String(bad.status()));
  await shot('refused');
  errors.length = 0;	// Chromium logs the 404 asked for above as a console error
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
  check(!(await overflow()), `${tag}: /pushes fits ${width} px`);
  check(errors.length === 0, `${tag}: ... nor after linking`, errors.join('\n'));
  await shot('linked');
});
