import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkA11y, DEMO_USERS, login } from './helpers';

// The department's school registry: search that ignores case and diacritics, filters, a
// school's page, and the CSV import (all-or-nothing, every bad line listed), with JavaScript on
// and off, on a phone and a desktop.

test.beforeEach(async ({ page }) => {
  await login(page, DEMO_USERS.department);
});

test('the registry lists every demo school and is accessible', async ({ page }) => {
  await page.goto('/schools');
  await expect(page.getByRole('heading', { level: 1, name: 'Trường học' })).toBeVisible();
  // 120 demo schools, plus what the import tests of earlier projects added.
  const count = page.getByText(/^\d+ trường$/);
  await expect(count).toBeVisible();
  expect(Number((await count.innerText()).split(' ')[0])).toBeGreaterThanOrEqual(120);
  await checkA11y(page);
});

test('search ignores case and diacritics, and every word must match', async ({ page }) => {
  await page.goto('/schools');
  await page.getByLabel('Tìm kiếm').fill('thcs ham rong');
  await page.getByRole('button', { name: 'Lọc' }).click();
  await expect(page).toHaveURL(/q=thcs\+ham\+rong|q=thcs%20ham%20rong/);
  const rows = page.locator('table tbody tr');
  await expect(rows.first()).toContainText('Trường THCS Hàm Rồng');
  for (const text of await rows.allInnerTexts()) {
    expect(text).toContain('Hàm Rồng');
    expect(text).toContain('THCS');
  }
  // The search box keeps what was typed.
  await expect(page.getByLabel('Tìm kiếm')).toHaveValue('thcs ham rong');
});

test('filter by level and open a school', async ({ page }) => {
  await page.goto('/schools');
  await page.getByLabel('Cấp học', { exact: true }).selectOption({ label: 'THPT' });
  await page.getByRole('button', { name: 'Lọc' }).click();
  await expect(page).toHaveURL(/level=thpt/);
  const first = page.locator('table tbody tr').first();
  await expect(first).toContainText('THPT');
  const link = first.getByRole('link').first();
  const name = (await link.innerText()).trim();
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await checkA11y(page);
});

test('a search that matches nothing says so', async ({ page }) => {
  await page.goto('/schools?q=khongcotruongnaoten');
  await expect(page.locator('.empty')).toBeVisible();
});

function csvFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lophoc-csv-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

test('a school CSV with bad lines is refused whole, listing every bad line', async ({ page }) => {
  await page.goto('/schools/import');
  await expect(page.getByRole('heading', { level: 1, name: 'Nhập danh sách trường' })).toBeVisible();
  const file = csvFile(
    'loi.csv',
    'code,name,level,area,former_district,students\n' +
      'E2E001,Trường Tiểu học Thử Nghiệm,tieu_hoc,Phường Hạc Thành,TP Thanh Hóa,500\n' +
      'E2E002,Trường Sai Cấp,dai_hoc,Phường Hạc Thành,,100\n' +
      'E2E003,Trường Âm,thcs,Phường Hạc Thành,,-5\n',
  );
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Dòng 3');
  await expect(alert).toContainText('Dòng 4');
  await expect(alert).not.toContainText('Dòng 2');
  // Nothing was written: the good line is not in the registry either.
  await page.goto('/schools?q=E2E001');
  await expect(page.locator('.empty')).toBeVisible();
});

test('a good school CSV is imported, and importing it again changes nothing', async ({ page }, info) => {
  // Each project imports its own schools so the four projects do not see each other's rows.
  const code = `E2E${info.project.name.replace(/[^a-z]/g, '').slice(0, 8).toUpperCase()}`;
  const content =
    'code;name;level;area;former_district;students\n' +
    `${code}1;Trường Mầm non Hoa Sen;mam_non;Xã Nga Sơn;Huyện Nga Sơn;210\n` +
    `${code}2;Trường THCS Đồng Tiến;THCS;Xã Nga Sơn;Huyện Nga Sơn;480\n`;
  const file = csvFile('truong.csv', '\ufeff' + content);
  await page.goto('/schools/import');
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.getByText('Đã thêm 2, cập nhật 0.')).toBeVisible();
  await page.goto('/schools/import');
  await page.getByLabel('Tệp CSV').setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.getByText('Không có gì thay đổi')).toBeVisible();
  // "dong tien" finds "Đồng Tiến".
  await page.goto(`/schools?q=${code}2+dong+tien`);
  await expect(page.locator('table tbody tr')).toHaveCount(1);
  await expect(page.locator('table tbody tr').first()).toContainText('Trường THCS Đồng Tiến');
});
