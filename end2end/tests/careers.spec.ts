import type { Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

const CREDIT_START = "This product includes information from the O*NET 29.3 Database";

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

async function signUp(page: Page) {
  const username = unique("kai");
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("First name").fill("Kai");
  await page.getByLabel("Last name").fill("Rivera");
  await page.getByLabel("Email").fill(`${username}@example.org`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("lanterns over the quiet bay");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

test("browse, search and filter careers by keyboard", async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto("/careers");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Careers · Waypoint");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Careers");
  await expect(page.getByRole("heading", { level: 2, name: /^923 careers/ })).toBeVisible();
  await expect(page.getByText(CREDIT_START)).toBeVisible();
  await expectNoAxeViolations(page);

  // Search by keyboard: type, Enter.
  await page.getByLabel("Search careers").focus();
  await page.keyboard.type("nurse");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/careers\?q=nurse/);
  await expect(page.getByRole("heading", { level: 2, name: /careers found/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Registered Nurses", exact: true })).toBeVisible();

  // Narrow to job zone 5, with what the zone means.
  await page.getByLabel("Preparation needed").selectOption("5");
  await page.getByRole("button", { name: "Search" }).press("Enter");
  await expect(page).toHaveURL(/zone=5/);
  await expect(page.getByText("Job zone 5: Extensive Preparation Needed.", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Nurse Anesthetists" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Registered Nurses", exact: true })).toHaveCount(0);
  const metas = await page.locator(".career-card__meta").allTextContents();
  expect(metas.length).toBeGreaterThan(0);
  for (const meta of metas) expect(meta).toContain("Job zone 5");
  await expectNoAxeViolations(page);

  // The job zone guide opens from the keyboard.
  const guide = page.locator("summary", { hasText: "What the job zones mean" });
  await guide.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Job zone 1: Little or No Preparation Needed", { exact: true })).toBeVisible();

  // Paging through everything.
  await page.goto("/careers");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/\/careers\?page=2$/);
  await expect(page.getByRole("heading", { level: 2, name: "923 careers, page 2 of 31" })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("a career page shows the interest profile, tasks, technology, related careers and the credit", async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto("/careers?q=software");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Software Developers", exact: true }).click();
  await expect(page).toHaveURL(/\/careers\/15-1252\.00$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Software Developers");
  await expect(page).toHaveTitle("Software Developers · Waypoint");
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", /\/careers\/15-1252\.00$/);
  const chart = page.getByRole("img", { name: /Interest profile of Software Developers/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute("aria-label", /Investigative 5\.9, .*Conventional 5\.5\./);
  await expect(page.getByRole("table", { name: /Interest values/ }).getByRole("row", { name: /Investigative/ })).toContainText("5.9");
  await expect(page.getByText("Job zone 4: Considerable Preparation Needed").first()).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "What they do" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Technology skills" })).toBeVisible();
  await expect(page.locator(".hot-label").first()).toBeVisible();
  await expect(page.getByText(CREDIT_START)).toBeVisible();
  // Visitors are offered sign-in, and come back here after it.
  await expect(page.getByRole("link", { name: "Sign in", exact: true }).last()).toHaveAttribute(
    "href",
    "/sign-in?next=/careers/15-1252.00",
  );
  await expectNoAxeViolations(page);

  // Related careers are links to their own pages.
  await page.getByRole("region", { name: "Related careers" }).getByRole("link", { name: "Computer Programmers" }).click();
  await expect(page).toHaveURL(/\/careers\/15-1251\.00$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Computer Programmers");
  await expect(page).toHaveTitle("Computer Programmers · Waypoint");
  expect(errors).toEqual([]);
});

test("a career page is complete without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/careers/29-1141.00");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Registered Nurses");
  await expect(page.getByRole("img", { name: /Interest profile of Registered Nurses/ })).toBeVisible();
  await expect(page.getByText(CREDIT_START)).toBeVisible();
  await page.goto("/careers?q=electric&zone=3");
  await expect(page.getByRole("link", { name: "Electricians", exact: true })).toBeVisible();
  await context.close();
});

test("an unknown career answers 404 with a way back", async ({ page }) => {
  const response = await page.goto("/careers/99-9999.99");
  expect(response?.status()).toBe(404);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that career");
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Browse and search all careers" }).click();
  await expect(page).toHaveURL(/\/careers$/);
});

test("a signed-in student makes a career their goal, then changes it", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signUp(page);
  await page.goto("/careers/15-1252.00");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Make this my career goal" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your current goal" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Make this my career goal" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  await page.goto("/careers/29-1141.00");
  await waitForHydration(page);
  await expect(page.getByText("Your current goal is")).toContainText("Software Developers");
  const choose = page.getByRole("button", { name: "Make this my career goal" });
  await choose.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Your current goal" })).toBeVisible();

  await page.goto("/careers");
  await expect(page.getByText("Your career goal:")).toContainText("Registered Nurses");
  expect(errors.filter((e) => !e.includes("/api/"))).toEqual([]);
});

test("matches explain what is needed before there is a result", async ({ page }) => {
  await page.goto("/careers/matches");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Careers that match your interests");
  await expect(page.getByText("you haven't completed it yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "Take the Interest Profiler" })).toHaveAttribute(
    "href",
    "/assessments/interest-profiler",
  );
  await expectNoAxeViolations(page);
});

test("the about page carries the data credits and is linked from every page", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("contentinfo").getByRole("link", { name: "About Waypoint and data credits" }).click();
  await expect(page).toHaveURL(/\/about$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("About Waypoint");
  await expect(page.getByText(CREDIT_START)).toBeVisible();
  await expect(page.getByText("O*NET Interest Profiler(TM) Short Form. Copyright")).toBeVisible();
  await expectNoAxeViolations(page);
});
