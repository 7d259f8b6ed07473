import type { Locator, Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, waitForHydration, DEMO_PASSWORDS, signInAs as signIn, personAs as person } from "./support";

// Mentors' earnings (/account/earnings) and administrators' revenue (/admin/revenue), on the demo
// data (README lists the accounts): Sam paid Amara £35.00 for each of his two demo sessions, so
// her ledger has (at least: booking.spec.ts and payments.spec.ts may have added more when the
// whole suite runs) two payments of £35.00 with a £3.50 platform fee (10 %), £31.50 net.
// Payout details are an IBAN checked by its mod-97 digits; only its last four characters ever
// come back. Not Priya: accounts.spec.ts locks her sign-in on purpose.

const MENTOR_PASSWORD = DEMO_PASSWORDS.mentor;
const STUDENT_PASSWORD = DEMO_PASSWORDS.student;
const ORG_ADMIN_PASSWORD = DEMO_PASSWORDS.orgAdmin;
const TYPO = "GB82 WEST 1234 5698 7654 33";
const IBAN = "GB82 WEST 1234 5698 7654 32";
const CHECK_DIGITS = "This IBAN's check digits don't match: check it for a typo.";
const SAVED = "Saved. Only the last four characters are shown.";
const RIVERSIDE = "Riverside Career Centre";

// Several pages a test, and axe on each.
test.describe.configure({ timeout: 90_000 });

/** The text of each cell of a table row (its row header included). */
async function cells(row: Locator) {
  return (await row.locator("th, td").allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
}

/** The page's HTML and every input's current value: nowhere may the full account number be. */
async function expectNoFullNumber(page: Page) {
  const html = await page.content();
  const values = await page.locator("input").evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  for (const text of [html, values.join("\n")]) {
    expect(text).not.toContain("GB82WEST12345698765432");
    expect(text).not.toContain(IBAN);
    expect(text).not.toContain("WEST 1234");
    expect(text).not.toContain("12345698765432");
  }
}

test("a mentor reads her statements and ledger and saves where she is paid", async ({ page }) => {
  await signIn(page, "amara", MENTOR_PASSWORD);
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Earnings", exact: true })).toHaveAttribute(
    "href",
    "/account/earnings",
  );
  await page.goto("/account/earnings");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Earnings");
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Earnings", exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );

  // The ledger: Sam's two payments, each £35.00 gross, £3.50 fee, £31.50 net, linking to the session.
  const ledger = page.getByRole("region", { name: "Ledger" });
  await expect(ledger.getByRole("table")).toBeVisible();
  const samsPayments = ledger
    .getByRole("row")
    .filter({ hasText: "Career conversation with Sam Taylor" })
    .filter({ hasText: "Payment" })
    .filter({ hasText: "£35.00" });
  expect(await samsPayments.count()).toBeGreaterThanOrEqual(2);
  const [, entry, session, gross, fee, net] = await cells(samsPayments.first());
  expect([entry, session, gross, fee, net]).toEqual(["Payment", "Career conversation with Sam Taylor", "£35.00", "£3.50", "£31.50"]);
  await expect(samsPayments.first().getByRole("link", { name: "Career conversation with Sam Taylor" })).toHaveAttribute(
    "href",
    /^\/booking\/[0-9a-f-]{36}$/,
  );

  // Monthly statements: one table per month and currency, GBP here, with the fee's rate.
  const statements = page.getByRole("region", { name: "Monthly statements" });
  const tables = statements.getByRole("table");
  await expect(tables.first()).toBeVisible();
  await expect(tables.first().locator("caption")).toHaveText(/^Statement for [A-Z][a-z]+ \d{4}, GBP$/);
  await expect(statements.getByRole("rowheader", { name: "Platform fee (10 %)" }).first()).toBeVisible();
  let sessions = 0;
  for (const table of await tables.all()) {
    const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Sessions paid" }) });
    sessions += Number((await cells(row))[1]);
    const [, netOfMonth] = await cells(table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Net" }) }));
    expect(netOfMonth).toMatch(/^-?£\d+\.\d\d$/);
  }
  expect(sessions).toBeGreaterThanOrEqual(2);
  await expect(statements.getByText("print this page")).toBeVisible();
  await expect(page.locator("form.no-print")).toHaveCount(1);
  await expectNoAxeViolations(page);

  // Payout details: none yet (unless this test ran before on the same data).
  const payout = page.getByRole("region", { name: "Payout details" });
  const current = payout.locator(".status-line");
  await expect(current).toHaveText(/^(Not set yet|IBAN ending in 5432)/);
  const holder = payout.getByLabel("Account holder");
  const account = payout.getByLabel("IBAN or account number");
  await expect(account).toHaveValue("");
  await expect(account).toHaveAttribute("autocomplete", "off");
  const save = payout.getByRole("button", { name: "Save payout details" });

  // A typo: the server refuses it, and says why beside the field.
  await holder.fill("Amara Okafor");
  await account.fill(TYPO);
  await save.click();
  await expect(payout.getByRole("alert")).toHaveText(CHECK_DIGITS);
  await expect(payout.locator("#field-account-error")).toHaveText(CHECK_DIGITS);
  await expect(account).toHaveAttribute("aria-invalid", "true");
  await expect(account).toHaveAccessibleDescription(new RegExp(CHECK_DIGITS.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await expect(holder).not.toHaveAttribute("aria-invalid", "true");
  await expect(payout.getByRole("status")).toHaveCount(0);
  await expectNoAxeViolations(page);

  // The right number: saved, the form emptied, the page showing its last four characters only.
  await account.fill(IBAN);
  await save.click();
  await expect(payout.getByRole("status")).toHaveText(SAVED);
  // The page reloads its data in place: the keyboard focus stays on the button.
  await expect(save).toBeFocused();
  await expect(current).toHaveText(/^IBAN ending in 5432, updated \d{1,2} [A-Z][a-z]{2} \d{4}$/);
  await expect(account).toHaveValue("");
  await expect(holder).toHaveValue("");
  await expect(account).not.toHaveAttribute("aria-invalid", "true");
  await expect(payout.getByRole("alert")).toHaveCount(0);
  await expectNoFullNumber(page);
  await expectNoAxeViolations(page);

  // And from the server, after a reload.
  await page.reload();
  await waitForHydration(page);
  await expect(current).toHaveText(/^IBAN ending in 5432, updated /);
  await expect(account).toHaveValue("");
  await expectNoFullNumber(page);
});

test("someone who isn't a mentor is pointed to the mentor application", async ({ page }) => {
  await signIn(page, "noah", STUDENT_PASSWORD);
  await page.goto("/account/earnings");
  await waitForHydration(page);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Earnings are for mentors");
  await expect(alert.getByRole("link", { name: "Apply to become a mentor" })).toHaveAttribute("href", "/account/mentor");
  await expect(page.getByRole("button", { name: "Save payout details" })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test("revenue per organization and month is for administrators", async ({ page, browser, baseURL }) => {
  await signIn(page, "riverside-admin", ORG_ADMIN_PASSWORD);
  await page.goto("/admin/revenue");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Revenue");
  await expect(page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Revenue" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  // Newest month first, Riverside's sessions in pounds; an organization administrator sees only theirs.
  const first = page.getByRole("table").first();
  await expect(first.locator("caption")).toContainText("platform fees are the platform's share");
  const riverside = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: RIVERSIDE }) }).filter({ hasText: "GBP" });
  expect(await riverside.count()).toBeGreaterThanOrEqual(1);
  const [organization, currency, payments, gross, , fees] = await cells(riverside.first());
  expect([organization, currency]).toEqual([RIVERSIDE, "GBP"]);
  expect(Number(payments)).toBeGreaterThanOrEqual(1);
  expect(gross).toMatch(/^£\d+\.\d\d$/);
  expect(fees).toMatch(/^-?£\d+\.\d\d$/);
  const organizations = new Set(await page.getByRole("rowheader").allTextContents());
  expect([...organizations]).toEqual([RIVERSIDE]);
  await expectNoAxeViolations(page);

  // A student is refused, and the page says so.
  const student = await person(browser, baseURL, "sam", STUDENT_PASSWORD);
  const response = await student.page.goto("/admin/revenue");
  expect(response?.status()).toBe(403);
  await waitForHydration(student.page);
  await expect(student.page.getByRole("heading", { level: 1 })).toHaveText("Administrators only");
  await expect(student.page.getByRole("table")).toHaveCount(0);
  await expect(student.page.getByText("Sessions gross")).toHaveCount(0);
  await expectNoAxeViolations(student.page);
  await student.context.close();
});
