// tests/browser/harness.mjs: what the browser tests share: Debian's
// Chromium started the way this machine needs, and ok/not ok lines.

import { chromium } from 'playwright-core';

// launch() gives every run a fresh, temporary user-data dir: no cookies or
// cache from an earlier run. The flags keep Chromium off the network,
// which this machine does not reach.
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A checker: check(cond, desc, detail) prints `ok - desc` or `not ok -
// desc` with the detail as comment lines; counts() gives the totals.
export function checker() {
  let passed = 0;
  let failed = 0;
  function check(cond, desc, detail) {
    if (cond) {
      passed++;
      console.log(`ok - ${desc}`);
      return;
    }
    failed++;
    console.log(`not ok - ${desc}`);
    if (detail !== undefined) {
      for (const line of String(detail).split('\n')) console.log(`#   ${line}`);
    }
  }
  return { check, counts: () => ({ passed, failed }) };
}
