import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// Every area is open now: /roadmap's public page is checked in roadmaps.spec.ts.

test("client-side navigation keeps title and canonical in step", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Resources" }).click();
  await expect(page).toHaveURL(/\/resources$/);
  await expect(page).toHaveTitle("Resource library · Waypoint");
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", /\/resources$/);
  await page.getByRole("link", { name: "Waypoint" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find work that fits who you are.");
});

test("an unknown address answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("health check reports the database", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "ok" });
});
