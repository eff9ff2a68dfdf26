// The desk in a real browser (issue 16): Debian's Chromium, headless, driven by playwright-core.
// Started by tests/browser/run.sh, which serves the desk on a free port and passes DESK_URL.
//
// Fills the form with two devices (one by class, one by a typed Vietnamese name) and reads the
// total; follows an ambiguous name back to the form and chooses; prints the quote to PDF;
// uploads a workbook; checks the error summary for a misspelt province; and does the form once
// more with JavaScript off. Screenshots go to target/browser/. Expected figures are worked by
// hand from Circular 287/2016/TT-BTC as amended (see tests/desk/main.rs).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.DESK_URL;
assert.ok(base, 'DESK_URL is not set: run tests/browser/run.sh');
const out = new URL('../../target/browser/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
let failed = false;
const step = async (name, fn) => {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}\n${e.stack}`);
  }
};

/// The renewal of tests/desk/main.rs, typed into the form.
async function fillRenewal(page) {
  await page.goto(`${base}/`);
  await page.fill('#province', 'Ðồng Nai');
  await page.selectOption('#procedure', 'renewal');
  await page.fill('#received', '15/09/2025');
  await page.check('#channel-online');
  await page.fill('#applicant', 'Bệnh viện Đa khoa Đồng Nai');
  await page.selectOption('#device-0-class', 'xray_ct');
  await page.fill('#device-1-name', 'Máy X-quang di động');
  await page.fill('#device-1-count', '2');
}

for (const javaScriptEnabled of [true, false]) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const tag = javaScriptEnabled ? '' : ' (JavaScript off)';

  await step(`two devices, one by class and one by typed name: 8.100.000 ₫${tag}`, async () => {
    await fillRenewal(page);
    if (javaScriptEnabled) await page.screenshot({ path: `${out}desk-form.png`, fullPage: true });
    await page.click('button[value=quote]');
    // (8,000,000 + 2 × 2,000,000) × 0.75 (renewal) × 0.9 (online, to 31/12/2025).
    assert.equal((await page.textContent('#total')).trim(), '8.100.000 ₫');
    assert.ok(await page.isVisible('text=PHIẾU TÍNH PHÍ THẨM ĐỊNH AN TOÀN BỨC XẠ'));
    assert.ok(await page.isVisible('text=Máy X-quang di động'));
    if (javaScriptEnabled) await page.screenshot({ path: `${out}desk-quote.png`, fullPage: true });
  });

  if (javaScriptEnabled) {
    await step('the quote prints to A4 PDF without the desk around it', async () => {
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.isVisible('header'), false, 'the header is not printed');
      await page.pdf({ path: `${out}desk-quote.pdf`, format: 'A4', printBackground: true });
      const pdf = readFileSync(`${out}desk-quote.pdf`, 'latin1');
      const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.ok(pages >= 1 && pages <= 3, `${pages} pages`);
      assert.ok(statSync(`${out}desk-quote.pdf`).size > 10000);
      await page.emulateMedia({ media: 'screen' });
    });

    await step('the trace is behind "Cách tính"', async () => {
      assert.equal(await page.isVisible('table.trace'), false);
      await page.click('summary');
      assert.ok(await page.isVisible('table.trace'));
    });
  }

  await step(`Enter in the date field prices the form${tag}`, async () => {
    await fillRenewal(page);
    await page.press('#received', 'Enter');
    await page.waitForSelector('#total');
    assert.equal((await page.textContent('#total')).trim(), '8.100.000 ₫');
  });

  await step(`an ambiguous name comes back with its candidates, then is priced as chosen${tag}`, async () => {
    await page.goto(`${base}/`);
    await page.fill('#province', 'Hà Nội');
    await page.selectOption('#procedure', 'new');
    await page.fill('#received', '02/03/2026');
    await page.fill('#device-0-name', 'Máy X-quang răng');
    await page.click('button[value=quote]');
    assert.ok(await page.isVisible('.error-summary'));
    assert.equal(await page.locator('#total').count(), 0, 'never a guess');
    const candidates = await page.locator('input[name="device-0-choice"]').evaluateAll((xs) => xs.map((x) => x.value));
    assert.ok(candidates.includes('xray_dental_panoramic') && candidates.includes('xray_dental_intraoral'), candidates.join());
    if (javaScriptEnabled) await page.screenshot({ path: `${out}desk-ambiguous.png`, fullPage: true });
    await page.check('#device-0-choice-xray_dental_panoramic');
    await page.click('button[value=quote]');
    assert.equal((await page.textContent('#total')).trim(), '2.000.000 ₫');
  });

  await step(`a misspelt province is in the error summary, linked to its field${tag}`, async () => {
    await page.goto(`${base}/`);
    await page.fill('#province', 'Ha Nol');
    await page.selectOption('#procedure', 'new');
    await page.fill('#received', '02/03/2026');
    await page.selectOption('#device-0-class', 'xray_ct');
    await page.click('button[value=quote]');
    const summary = await page.textContent('.error-summary');
    assert.ok(summary.includes('Hà Nội'), summary);
    await page.click('.error-summary a[href="#province"]');
    assert.ok(page.url().endsWith('#province'));
    assert.equal(await page.inputValue('#province'), 'Ha Nol', 'what was typed stays');
  });

  await step(`a workbook made by LibreOffice is priced: 3 applications, 28.350.000 ₫${tag}`, async () => {
    await page.goto(`${base}/batch`);
    await page.setInputFiles('#file', new URL('../../examples/batch/officer-batch.xlsx', import.meta.url).pathname);
    await page.click('button[type=submit]');
    assert.equal((await page.textContent('#applications')).trim(), '3');
    assert.equal((await page.textContent('#grand-total')).trim(), '28.350.000 ₫');
    if (javaScriptEnabled) await page.screenshot({ path: `${out}desk-batch.png`, fullPage: true });
  });

  await context.close();
}

await browser.close();
if (failed) process.exit(1);
