import type { Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// Plans and subscriptions: the public /pricing page (Free, Plus $9.00 a month or $90.00 a year,
// Pro $19.00 or $190.00), then a new member's 14-day trial of Plus, paying for Plus through the
// sandbox's hosted checkout (the subscription is made active by the provider's signed webhook,
// so the billing page checks again until it has arrived), cancelling at the period's end and
// taking that back. A free trial is once per person and a plan changes what every session costs
// the subscriber, so the signed-in test signs up an account of its own rather than use a demo
// student whose prices the other specs check.

const VISA = "4242 4242 4242 4242";

// Several pages a test, and axe on each.
test.describe.configure({ timeout: 120_000 });

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/** The card of one plan on the pricing page. */
function planCard(page: Page, name: "Free" | "Plus" | "Pro") {
  return page.locator("li.plan-card").filter({ has: page.getByRole("heading", { level: 3, name, exact: true }) });
}

/** The billing page's plan section. */
function yourPlan(page: Page) {
  return page.getByRole("region", { name: "Your plan" });
}

/** A term of the plan's details ("Status", "Trial ends on"…) and its value. */
function detail(page: Page, term: string) {
  return yourPlan(page).locator("dl.details dt", { hasText: new RegExp(`^${term}$`) });
}
function detailValue(page: Page, term: string) {
  return detail(page, term).locator("xpath=following-sibling::dd[1]");
}

/** "13 December 2026", as the pages write dates (UTC). */
function longDate(at: Date) {
  return at.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

test("a visitor sees the plans with their metadata, structured data and both billing periods", async ({ page, baseURL }) => {
  const errors = collectPageErrors(page);
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("contentinfo").getByRole("link", { name: "Pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Plans and pricing");

  // Loaded afresh, server-rendered: title, description, canonical link and the JSON-LD.
  await page.goto("/pricing");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Pricing · Waypoint");
  const canonical = `${baseURL}/pricing`;
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", canonical);
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /^Waypoint's plans: Free, Plus and Pro/);
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "website");
  await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", canonical);
  const scripts = await page.locator('script[type="application/ld+json"]').allTextContents();
  const product = scripts.map((text) => JSON.parse(text)).find((value) => value["@type"] === "Product");
  expect(product, "a JSON-LD Product").toBeTruthy();
  expect(product.name).toBe("Waypoint");
  expect(product.url).toBe(canonical);
  expect(product.offers).toHaveLength(5);
  expect(product.offers).toContainEqual(expect.objectContaining({ "@type": "Offer", price: "0", priceCurrency: "USD" }));
  expect(product.offers).toContainEqual(
    expect.objectContaining({
      price: "9.00",
      priceCurrency: "USD",
      priceSpecification: expect.objectContaining({ "@type": "UnitPriceSpecification", price: "9.00", billingDuration: "P1M" }),
    }),
  );
  expect(product.offers).toContainEqual(
    expect.objectContaining({ price: "190.00", priceSpecification: expect.objectContaining({ billingDuration: "P1Y" }) }),
  );

  // Monthly first: a card a tier, what each includes, and a way in for visitors.
  const period = page.getByRole("navigation", { name: "Billing period" });
  await expect(period.getByRole("link", { name: "Monthly" })).toHaveAttribute("aria-current", "true");
  await expect(page.locator("li.plan-card")).toHaveCount(3);
  await expect(planCard(page, "Free")).toContainText("$0.00");
  await expect(planCard(page, "Free")).toContainText("The Interest Profiler and your career matches");
  await expect(planCard(page, "Free")).toContainText("1 career roadmap");
  await expect(planCard(page, "Plus")).toContainText("$9.00 a month");
  await expect(planCard(page, "Plus")).toContainText("10% off every paid mentor session");
  await expect(planCard(page, "Plus")).toContainText("Up to 5 career roadmaps");
  await expect(planCard(page, "Pro")).toContainText("$19.00 a month");
  await expect(planCard(page, "Pro")).toContainText("20% off every paid mentor session");
  await expect(planCard(page, "Pro")).toContainText("Unlimited career roadmaps");
  await expect(planCard(page, "Plus").getByRole("link", { name: "Start free trial of Plus" })).toHaveAttribute(
    "href",
    "/sign-up?next=/pricing",
  );
  await expect(page.getByRole("button", { name: /Subscribe/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 2, name: "Changing plans" })).toBeVisible();
  await expect(page.getByText(/halfway through a 30-day period: \$4\.50 credit .* \$9\.50 .* you pay \$5\.00 now/)).toBeVisible();
  await expect(page.getByText(/We try your card again after 1, 3 and 5 days/)).toBeVisible();
  await expectNoAxeViolations(page);

  // Yearly.
  await period.getByRole("link", { name: "Yearly (two months free)" }).click();
  await expect(page).toHaveURL(/\/pricing\?interval=year$/);
  await expect(period.getByRole("link", { name: "Yearly (two months free)" })).toHaveAttribute("aria-current", "true");
  await expect(period.getByRole("link", { name: "Monthly" })).not.toHaveAttribute("aria-current", "true");
  await expect(planCard(page, "Plus")).toContainText("$90.00 a year (about $7.50 a month)");
  await expect(planCard(page, "Pro")).toContainText("$190.00 a year");
  await expect(planCard(page, "Plus").getByRole("link", { name: "Start free trial of Plus" })).toHaveAttribute(
    "href",
    "/sign-up?next=/pricing%3Finterval%3Dyear",
  );
  await expectNoAxeViolations(page);

  // Listed in the sitemap.
  const sitemap = await page.request.get("/sitemap.xml");
  expect(await sitemap.text()).toContain(`<loc>${canonical}</loc>`);
  expect(errors).toEqual([]);
});

test("the pricing page reads and switches period without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/pricing");
  await expect(page).toHaveTitle("Pricing · Waypoint");
  await expect(page.locator("li.plan-card")).toHaveCount(3);
  await expect(planCard(page, "Plus")).toContainText("$9.00 a month");
  await expect(planCard(page, "Pro")).toContainText("$19.00 a month");
  await page.getByRole("navigation", { name: "Billing period" }).getByRole("link", { name: /^Yearly/ }).click();
  await expect(page).toHaveURL(/\/pricing\?interval=year$/);
  await expect(planCard(page, "Plus")).toContainText("$90.00 a year");
  await expect(planCard(page, "Pro")).toContainText("$190.00 a year");
  await expect(page.locator('script[type="application/ld+json"]')).toHaveCount(1);
  await context.close();
});

test("a new member tries Plus free, subscribes through the checkout, cancels at the period's end and keeps it", async ({ page }) => {
  const errors = collectPageErrors(page);
  const username = unique("tess");

  // From the pricing page to a new account, and back.
  await page.goto("/pricing");
  await waitForHydration(page);
  await planCard(page, "Plus").getByRole("link", { name: "Start free trial of Plus" }).click();
  await expect(page).toHaveURL(/\/sign-up\?next=\/pricing$/);
  await waitForHydration(page);
  await page.getByLabel("First name").fill("Tess");
  await page.getByLabel("Last name").fill("Morgan");
  await page.getByLabel("Email").fill(`${username}@example.org`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("harbour kettle meadow 17");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await waitForHydration(page);

  // Signed in on Free: Free is marked, each paid plan offers its trial and a subscription.
  await expect(planCard(page, "Free")).toContainText("Your plan");
  await expect(planCard(page, "Plus")).not.toContainText("Your plan");
  await expect(planCard(page, "Plus").getByRole("button", { name: "Start 14-day free trial of Plus, monthly" })).toBeVisible();
  await expect(planCard(page, "Plus").getByRole("button", { name: "Subscribe to Plus, monthly" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The billing page says so too.
  await page.goto("/account/billing");
  await waitForHydration(page);
  await expect(yourPlan(page).getByText("You're on Free.", { exact: true })).toBeVisible();
  await expect(yourPlan(page).getByRole("link", { name: "See the plans" })).toHaveAttribute("href", "/pricing");
  await expectNoAxeViolations(page);
  await yourPlan(page).getByRole("link", { name: "See the plans" }).click();
  await expect(page).toHaveURL(/\/pricing$/);

  // The trial: no card, straight to the billing page.
  await planCard(page, "Plus").getByRole("button", { name: "Start 14-day free trial of Plus, monthly" }).click();
  await expect(page).toHaveURL(/\/account\/billing$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Billing");
  await expect(detailValue(page, "Plan")).toHaveText("Plus (monthly), $9.00 a month");
  await expect(detailValue(page, "Status")).toHaveText("Free trial");
  const trialEnd = longDate(new Date(Date.now() + 14 * 24 * 3_600_000));
  await expect(detailValue(page, "Trial ends on")).toHaveText(trialEnd);
  await expect(detail(page, "Card")).toHaveCount(0);
  await expect(yourPlan(page).getByText("When the trial ends you're back on Free, unless you subscribe.")).toBeVisible();
  await expectNoAxeViolations(page);

  // The pricing page marks the plan being tried; paying for it goes through the checkout.
  await page.goto("/pricing");
  await waitForHydration(page);
  await expect(planCard(page, "Plus")).toContainText("Your plan");
  await expect(planCard(page, "Plus")).toContainText(`You're trying Plus free until ${trialEnd}.`);
  await expect(page.getByRole("button", { name: /^Start 14-day free trial/ })).toHaveCount(0);
  await expect(planCard(page, "Pro").getByRole("link", { name: "Change plan to Pro, monthly" })).toHaveAttribute("href", "/account/billing");
  await expectNoAxeViolations(page);
  await planCard(page, "Plus").getByRole("button", { name: "Subscribe to Plus, monthly" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/[A-Za-z0-9_]+$/);
  await expect(page).toHaveTitle("Pay $9.00 · Waypoint sandbox payments");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pay $9.00");
  await page.getByLabel("Card number", { exact: true }).fill(VISA);
  await page.getByLabel("Expiry (MM/YY)", { exact: true }).fill("12/30");
  await page.getByLabel("Security code", { exact: true }).fill("123");
  await page.getByLabel("Name on card", { exact: true }).fill("Tess Morgan");
  await page.getByRole("button", { name: "Pay $9.00" }).click();

  // Back on the billing page: active once the provider's event has arrived (checked again every 2 s).
  await expect(page).toHaveURL(/\/account\/billing\?checkout=done$/);
  await waitForHydration(page);
  await expect(detailValue(page, "Status")).toHaveText("Active", { timeout: 15_000 });
  await expect(detailValue(page, "Card")).toHaveText("Visa ending in 4242");
  await expect(detail(page, "Renews on")).toHaveCount(1);
  await expect(detail(page, "Trial ends on")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Payments" }).getByRole("row").filter({ hasText: "$9.00" })).toHaveCount(1);
  await expectNoAxeViolations(page);

  // Cancel at the end of the period: it ends on the renewal date, until taken back.
  const renews = (await detailValue(page, "Renews on").textContent())!.trim();
  await yourPlan(page).getByRole("button", { name: "Cancel at the end of the period" }).click();
  await expect(yourPlan(page).getByRole("status").filter({ hasText: "Your subscription will end at the end of the period." })).toBeVisible();
  await expect(detailValue(page, "Ends on")).toHaveText(renews);
  await expect(detail(page, "Renews on")).toHaveCount(0);
  await expect(detailValue(page, "Status")).toHaveText("Active");
  await expectNoAxeViolations(page);

  await yourPlan(page).getByRole("button", { name: "Keep my subscription" }).click();
  await expect(yourPlan(page).getByRole("status").filter({ hasText: "Your subscription carries on." })).toBeVisible();
  await expect(detailValue(page, "Renews on")).toHaveText(renews);
  await expect(detail(page, "Ends on")).toHaveCount(0);
  await expect(yourPlan(page).getByRole("button", { name: "Cancel at the end of the period" })).toBeVisible();

  // What a change to Pro would cost now: about $10.00 (Pro's $19.00 less Plus's $9.00, both for
  // nearly the whole period), charged at once.
  await expect(yourPlan(page).getByLabel("New plan")).toHaveValue("plus-yearly");
  await yourPlan(page).getByLabel("New plan").selectOption({ label: "Pro (monthly): $19.00 a month" });
  await expect(yourPlan(page).getByRole("button", { name: "Change to Pro (monthly)" })).toBeVisible();
  await yourPlan(page).getByRole("button", { name: "See the cost" }).click();
  await expect(yourPlan(page).locator("dl.change-preview")).toContainText(/\$\d+\.\d\d charged now to your card/);
  await expectNoAxeViolations(page);

  // Reloaded (server-rendered), the same.
  await page.goto("/account/billing");
  await waitForHydration(page);
  await expect(detailValue(page, "Status")).toHaveText("Active");
  await expect(detailValue(page, "Renews on")).toHaveText(renews);
  await expectNoAxeViolations(page);

  // The change itself: the subscriptions worker charges the difference to the kept card within
  // seconds, and the page checks again until it is made.
  await yourPlan(page).getByLabel("New plan").selectOption({ label: "Pro (monthly): $19.00 a month" });
  await yourPlan(page).getByRole("button", { name: "Change to Pro (monthly)" }).click();
  await expect(yourPlan(page).getByRole("status").filter({ hasText: "Plan change asked for" })).toBeVisible();
  await expect(detailValue(page, "Plan")).toHaveText("Pro (monthly), $19.00 a month", { timeout: 20_000 });
  await expect(yourPlan(page).getByText(/^Changing to /)).toHaveCount(0);
  await expect(detailValue(page, "Status")).toHaveText("Active");
  await expectNoAxeViolations(page);
  await page.goto("/pricing");
  await waitForHydration(page);
  await expect(planCard(page, "Pro")).toContainText("Your plan");
  await expect(planCard(page, "Plus")).not.toContainText("Your plan");

  // Cancelled now: back on Free at once.
  await page.goto("/account/billing");
  await waitForHydration(page);
  await expect(yourPlan(page).getByText("nothing of the current period is refunded")).toBeVisible();
  await yourPlan(page).getByRole("button", { name: "Cancel now" }).click();
  await expect(yourPlan(page).getByRole("status").filter({ hasText: "Your subscription has ended: you're on Free." })).toBeVisible();
  await expect(yourPlan(page).getByText("You're on Free.", { exact: true })).toBeVisible();
  await expect(yourPlan(page).getByRole("link", { name: "See the plans" })).toHaveAttribute("href", "/pricing");
  await expectNoAxeViolations(page);
  expect(errors.filter((e) => !e.startsWith("Failed to load resource"))).toEqual([]);
});
