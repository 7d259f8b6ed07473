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
  const health = await response.json();
  expect(health).toMatchObject({ status: "ok", database: "ok" });
  // The rendered-page cache's figures since start (make bench reads its hit rate from them).
  expect(health.page_cache).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number), entries: expect.any(Number) });
});

test("a public page from the page cache hydrates under its own policy, and its files are kept for a year", async ({ page, request }) => {
  // Twice: the second answer is the cached copy (no nonce; the policy names the scripts' hashes).
  await request.get("/careers/29-1141.00");
  const cached = await request.get("/careers/29-1141.00");
  expect(cached.headers()["x-page-cache"]).toBe("hit");
  expect(cached.headers()["content-security-policy"]).toContain("'sha256-");
  expect(cached.headers()["content-security-policy"]).not.toContain("'nonce-");
  const revisit = await request.get("/careers/29-1141.00", { headers: { "If-None-Match": cached.headers()["etag"] } });
  expect(revisit.status()).toBe(304);

  // The browser runs the cached page's scripts (a blocked one would be a console error, which
  // fails the test) and the page comes alive.
  const response = await page.goto("/careers/29-1141.00");
  expect(response?.headers()["x-page-cache"]).toBe("hit");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Registered Nurses");

  const stylesheet = await page.locator('link[rel="stylesheet"]').first().getAttribute("href");
  expect(stylesheet).toMatch(/^\/pkg\/waypoint\.[A-Za-z0-9_-]+\.css$/);
  const css = await request.get(stylesheet!);
  expect(css.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
});
