import { test, expect, expectNoAxeViolations, signInAs, waitForHydration } from "./support";

// BLS pay and outlook on the career pages, and the outlook filter on the matches page.

const BLS_SOURCE = "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2024";

test("a career page's pay and outlook are readable without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/careers/15-1252.00");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Software Developers");
  const pay = page.getByRole("region", { name: "Pay and outlook" });
  await expect(pay.getByText("$133,080", { exact: true })).toBeVisible();
  await expect(pay.getByText(/Employment is projected to grow 15\.8% from 2024 to 2034/)).toContainText(
    "much faster than the average for all occupations (+3.1%)",
  );
  await expect(pay.getByText("Bright outlook", { exact: true })).toBeVisible();
  await expect(pay.getByRole("img", { name: /Pay of Software Developers a year: 10th percentile \$79,850, median \$133,080/ })).toBeVisible();
  await expect(pay.getByText(BLS_SOURCE)).toBeVisible();

  // Hourly-only and top-coded figures, as BLS publishes them.
  await page.goto("/careers/27-2011.00");
  await expect(page.getByText("$23.33", { exact: true })).toBeVisible();
  await expect(page.getByText(/BLS publishes hourly pay only for this work/)).toBeVisible();
  await page.goto("/careers/29-1211.00");
  await expect(page.getByText("$239,200 or more", { exact: true }).first()).toBeVisible();

  // Browse filters are a plain GET form.
  await page.goto("/careers");
  await page.getByLabel("Job outlook 2024-34").selectOption("decline");
  await page.getByLabel("Sort by").selectOption("pay");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/outlook=decline/);
  await expect(page).toHaveURL(/sort=pay/);
  const facts = await page.locator(".career-card__facts").allTextContents();
  expect(facts.length).toBeGreaterThan(0);
  for (const line of facts) expect(line).toContain("decline");
  await context.close();
});

test("a career page's pay and outlook pass axe", async ({ page }) => {
  await page.goto("/careers/21-1014.00");
  await waitForHydration(page);
  await expect(page.getByText(/\(21-1018\), which includes this career\./)).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Pay and outlook" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a student filters their matches by outlook and sorts them by pay", async ({ page }) => {
  await signInAs(page, "sam");
  await page.goto("/careers/matches");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Careers that match your interests");
  await page.getByLabel("Job outlook 2024-34").selectOption("much_faster");
  await page.getByLabel("Sort by").selectOption("pay");
  await page.getByRole("button", { name: "Show matches" }).click();
  await expect(page).toHaveURL(/outlook=much_faster/);
  await expect(page.getByText("Within each fit group, the highest median pay comes first")).toBeVisible();
  const facts = await page.locator(".match__facts").allTextContents();
  expect(facts.length).toBeGreaterThan(0);
  for (const line of facts) expect(line).toContain("much faster than average");
  await expect(page.getByRole("link", { name: "O*NET's Bright Outlook criteria" })).toBeVisible();
  await expectNoAxeViolations(page);
});
