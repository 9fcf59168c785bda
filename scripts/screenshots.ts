/**
 * Screenshots of every page of a running Lockboard at desktop (1440×900) and phone (390×844) width,
 * in real Chromium, for looking at what was built: `npx tsx scripts/screenshots.ts <base URL> <out dir>`.
 * Also reports per page whether it scrolls sideways (document wider than the viewport).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const [base = 'http://127.0.0.1:3000', outDir = 'screenshots'] = process.argv.slice(2);
const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  try {
    // The first state listed on the states page stands for "a state page".
    const probe = await browser.newPage();
    await probe.goto(`${base}/states`, { waitUntil: 'networkidle' });
    const stateHref = await probe.locator('a[href^="/state?"]').first().getAttribute('href');
    await probe.close();
    const pages: Array<[string, string]> = [
      ['locks', '/'],
      ['states', '/states'],
      ...(stateHref ? ([['state', stateHref]] as Array<[string, string]>) : []),
      ['audit', '/audit'],
      ['alerts', '/alerts'],
      ['search', '/search?q=aws_vpc'],
      ['inventory', '/inventory'],
      ['migration', '/migration'],
    ];
    for (const vp of VIEWPORTS) {
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      for (const [name, href] of pages) {
        await page.goto(`${base}${href}`, { waitUntil: 'networkidle' });
        await page.waitForTimeout(500);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        const file = path.join(outDir, `${name}-${vp.name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${file}\tscrollWidth ${scrollWidth}${scrollWidth > vp.width ? ' (scrolls sideways)' : ''}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
