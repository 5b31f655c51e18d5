// The test catalogue: the vendor opens Tests, changes a test's credit cost in the SPA (an
// out-of-range cost is refused with the field marked) and sees the new cost in the list, after
// a reload and in the catalogue clients see. Other journeys run in parallel on the same server
// and price their projects from the catalogue, so this one edits the Inductive Reasoning test
// (which no other journey uses) and restores its cost at the end whatever happens.
import { expect, test } from '@playwright/test';
import { admin, checkPage, login } from './support';
import { bearer } from './world';

test('the vendor changes a test credit cost in the SPA and the change shows', async ({ page, request }) => {
  test.setTimeout(90_000);
  const asAdmin = await bearer(request, admin.email, admin.password);
  const listed = await request.get('/api/v1/admin/tests', { headers: asAdmin });
  expect(listed.status()).toBe(200);
  const inductive = ((await listed.json()).data as { id: string; slug: string; credit_cost: number }[]).find(
    (t) => t.slug === 'inductive-reasoning',
  );
  if (!inductive) throw new Error('no inductive-reasoning test in the catalogue');
  const original = inductive.credit_cost;
  const cost = original + 2 + Math.floor(Math.random() * 5);
  try {
    await login(page, admin.email, admin.password);
    await expect(page).toHaveURL(/\/admin/);
    await page.getByTestId('nav-tests').click();
    await expect(page).toHaveURL(/\/admin\/tests$/);
    const row = page.locator('[data-testid="test-row"][data-slug="inductive-reasoning"]');
    await expect(row.getByTestId('test-cost')).toHaveText(String(original));
    await expect(page.getByTestId('test-row')).toHaveCount(4);

    await row.getByTestId('edit-test').click();
    const form = page.getByTestId('test-form');
    await expect(form).toContainText('Edit Inductive Reasoning');
    await expect(form.getByTestId('test-cost')).toHaveValue(String(original));
    // Out of range: the server refuses it and the field is marked; nothing changes.
    await form.getByTestId('test-cost').fill('1001');
    await form.getByTestId('test-save').click();
    await expect(form.getByTestId('test-cost')).toHaveAttribute('aria-invalid', 'true');
    await expect(row.getByTestId('test-cost')).toHaveText(String(original));

    await form.getByTestId('test-cost').fill(String(cost));
    await checkPage(page, 'admin tests editing');
    await form.getByTestId('test-save').click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Inductive Reasoning saved' })).toBeVisible();
    await expect(form).toHaveCount(0);
    await expect(row.getByTestId('test-cost')).toHaveText(String(cost));
    await expect(row.getByTestId('test-status')).toHaveText('Active');

    // It stays after a reload, and the API lists the new cost.
    await page.reload();
    await expect(row.getByTestId('test-cost')).toHaveText(String(cost));
    const catalogue = await request.get('/api/v1/admin/tests', { headers: asAdmin });
    const now = ((await catalogue.json()).data as { id: string; credit_cost: number }[]).find((t) => t.id === inductive.id);
    expect(now?.credit_cost).toBe(cost);
  } finally {
    const restored = await request.patch(`/api/v1/admin/tests/${inductive.id}`, {
      headers: asAdmin,
      data: { credit_cost: original },
    });
    expect(restored.status()).toBe(200);
  }
});
