/**
 * One time format: absolute times carry their zone, UTC by default; the nav bar switch shows them in
 * the browser's local time with its offset, on every page, and is remembered across a reload.
 */
import { expect, lockRow, openOverview, test } from './fixtures';
import { formatUtcTime, wallClock } from '../lib/terraform/time-text';

// Kathmandu is UTC+05:45 all year: an offset no whole-hour or DST coincidence could fake.
test.use({ timezoneId: 'Asia/Kathmandu' });

test('the zone switch turns every absolute time to local time with its offset, and is remembered', async ({ page, seed, backends, prefix }) => {
  // Server render in UTC, local once mounted: without a hydration mismatch (React errors #418/#425).
  // Checked on the states page: the overview has a mismatch of its own, in either zone (not a time).
  const hydration: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /hydrat|#418|#423|#425/i.test(m.text())) hydration.push(m.text());
  });
  page.on('pageerror', (e) => {
    if (/hydrat|#418|#423|#425/i.test(e.message)) hydration.push(e.message);
  });
  const key = `${prefix}zone/terraform.tfstate`;
  const createdMs = Date.now() - 3 * 60 * 60 * 1000;
  await seed.lock(backends.main, key, { createdMs });
  const utc = formatUtcTime(createdMs);
  const local = `${wallClock(createdMs, 5 * 60 + 45)} UTC+05:45`;

  await openOverview(page, prefix);
  const created = lockRow(page, key).locator('time');
  await expect(created).toHaveText(utc);
  await expect(page.getByTestId('freshness')).toContainText(/As of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+ s ago)\)/);

  const zone = page.getByRole('combobox', { name: 'Time zone' });
  await expect(zone).toHaveValue('utc');
  await expect(zone.getByRole('option', { name: 'Local (UTC+05:45)' })).toHaveCount(1);
  await zone.selectOption('local');
  await expect(created).toHaveText(local);
  await expect(page.getByTestId('freshness')).toContainText('UTC+05:45');

  // Remembered: after a reload (server-rendered in UTC, switched once mounted) and on another page.
  await page.reload();
  await expect(zone).toHaveValue('local');
  await expect(created).toHaveText(local);
  hydration.length = 0;
  await page.goto('/states');
  await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('local');
  await expect(page.getByTestId('freshness')).toContainText('UTC+05:45');
  expect(hydration).toEqual([]);

  await page.goBack();
  await zone.selectOption('utc');
  await expect(created).toHaveText(utc);
  await page.reload();
  await expect(created).toHaveText(utc);
});
