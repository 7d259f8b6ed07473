import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

test.describe("home page", () => {
  test("is rendered on the server: readable with JavaScript off", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find work that fits who you are.");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(5);
    // The live figures come from the database: the demo data's 3 mentors, plus any that the
    // accounts suite has approved by the time this runs (the suites share one database).
    const stats = page.getByTestId("platform-stats");
    await expect(stats).toContainText("Mentors ready to meet you");
    const mentors = Number(await stats.locator("dd").first().textContent());
    expect(mentors).toBeGreaterThanOrEqual(3);
    await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
    await context.close();
  });

  test("hydrates: the starting-point chooser responds", async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto("/");
    await waitForHydration(page);
    const steps = page.getByTestId("suggested-steps");
    await expect(steps).toContainText("interest profiler");
    const changing = page.getByRole("button", { name: "I'm changing careers" });
    await expect(changing).toHaveAttribute("aria-pressed", "false");
    await changing.click();
    await expect(changing).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("button", { name: "I'm still at school" })).toHaveAttribute("aria-pressed", "false");
    await expect(steps).toContainText("Talk with a mentor who has made a similar move.");
    expect(errors, "no console errors, CSP violations or failed requests").toEqual([]);
  });

  test("works by keyboard alone", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);

    // The chooser answers Space and Enter.
    const graduating = page.getByRole("button", { name: "I'm finishing my studies" });
    await graduating.focus();
    await page.keyboard.press("Space");
    await expect(graduating).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("suggested-steps")).toContainText("Book a session with a mentor");

    // Navigation by Tab and Enter.
    const careers = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Careers" });
    await careers.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/careers$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Careers");
    await expect(careers).toHaveAttribute("aria-current", "page");
  });

  test("has no accessibility violations", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    await expectNoAxeViolations(page);
  });
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the home page fits the width and has no accessibility violations", async ({ page }) => {
    await page.goto("/");
    await waitForHydration(page);
    const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflows, "no horizontal scrolling").toBe(false);
    await expect(page.getByRole("link", { name: "Sign in" })).toBeInViewport();
    await expectNoAxeViolations(page);
  });
});
