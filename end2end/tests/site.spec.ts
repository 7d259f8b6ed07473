import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// Mentors opened with the booking issue (booking.spec.ts), the library with issue 15
// (resources.spec.ts); the roadmap is still to come.
const areas = [{ path: "/roadmap", heading: "Your roadmap" }];

for (const area of areas) {
  test(`${area.path} says plainly that it is coming, with meta and no a11y violations`, async ({ page }) => {
    const errors = collectPageErrors(page);
    const response = await page.goto(area.path);
    expect(response?.status()).toBe(200);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(area.heading);
    await expect(page.getByText("Coming soon.")).toBeVisible();
    await expect(page).toHaveTitle(`${area.heading === "Your roadmap" ? "Your roadmap" : area.heading} · Waypoint`);
    const description = await page.locator('meta[name="description"]').getAttribute("content");
    expect(description?.length ?? 0).toBeGreaterThan(50);
    await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", new RegExp(`${area.path}$`));
    await expectNoAxeViolations(page);
    expect(errors).toEqual([]);
  });
}

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
