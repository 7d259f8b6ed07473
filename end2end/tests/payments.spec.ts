import type { Locator, Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration, signInAs as signIn } from "./support";

// Paying for sessions through the sandbox provider (the default when no real provider is set):
// the booking page's "Pay <price>" goes to the sandbox's hosted checkout, /sandbox/checkout/<id>
// (a plain page outside the app), which sends the browser back to /booking/<id>?checkout=done;
// the booking is confirmed by the provider's signed webhook, not by the redirect, so the page
// checks again every 2 s until it has arrived. Amara's "Career conversation" costs £35.00.
// Students: Sam (whom the demo gives one earlier payment) and Noah; not Priya, whom
// accounts.spec.ts locks out of signing in. The suite runs one test at a time (one worker), so
// these never book at the same moment as booking.spec.ts. Each test takes the first free time
// offered (the one that must be refundable: the first one more than a day ahead) and reads back
// what it chose, never a fixed time.

const PRICE = "£35.00";
const VISA = "4242 4242 4242 4242";
const DECLINED = "4000 0000 0000 0002";
const NEEDS_AUTHENTICATION = "4000 0025 0000 3155";
const TYPO = "4242 4242 4242 4241";

// Several pages a test, and axe on each.
test.describe.configure({ timeout: 120_000 });


/**
 * The errors worth failing on. The sandbox answers a declined card 402 and a form to correct
 * 422, as a provider's page would; the browser logs those as failed loads.
 */
function unexpected(errors: string[]) {
  return errors.filter(
    (e) => !/^(402|422) .*\/sandbox\/checkout\//.test(e) && !e.startsWith("Failed to load resource"),
  );
}

/** The times to book on a mentor's page. */
function timeButtons(page: Page) {
  return page.getByRole("region", { name: "Book a time" }).getByRole("button", { name: /^Book / });
}

/** The booking page's own status line (the Payment section has its own). */
function status(page: Page) {
  return page.locator("article > .status-line");
}

/** The booking page's Payment section, and its status line ("£35.00: Paid"). */
function payment(page: Page) {
  return page.getByRole("region", { name: "Payment" });
}
function paymentStatus(page: Page) {
  return payment(page).locator(".status-line");
}

/** Amara's "Career conversation" times. */
async function openCareerConversation(page: Page) {
  await page.goto("/mentors/amara");
  await waitForHydration(page);
  await page.getByRole("region", { name: "Sessions" }).getByRole("link", { name: "Career conversation", exact: true }).click();
  await expect(page).toHaveURL(/\/mentors\/amara\?type=[0-9a-f-]{36}/);
  await expect(timeButtons(page).first()).toBeVisible();
}

/**
 * Holds the first time offered that starts at least `hours` from now (the button's form sends
 * its RFC 3339 start); returns the booking's id and the start.
 */
async function holdTime(page: Page, hours = 0) {
  const buttons = timeButtons(page);
  const count = await buttons.count();
  let chosen: { button: Locator; start: string } | undefined;
  for (let i = 0; i < count && !chosen; i++) {
    const button = buttons.nth(i);
    const start = await button.locator("xpath=ancestor::form[1]").locator('input[name="start"]').inputValue();
    if (Date.parse(start) - Date.now() >= hours * 3_600_000) chosen = { button, start };
  }
  expect(chosen, `a time at least ${hours} h ahead among the ${count} offered`).toBeTruthy();
  await chosen!.button.click();
  await expect(page).toHaveURL(/\/booking\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(status(page)).toHaveText("Held for you");
  return { id, start: chosen!.start };
}

/** On the held booking's page: the topic, then "Pay £35.00", which leaves for the checkout page. */
async function startPaying(page: Page, topic: string) {
  await expect(page.getByRole("heading", { level: 3, name: "Pay to confirm" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Confirm booking" })).toHaveCount(0);
  await page.getByLabel("What would you like to talk about?").fill(topic);
  await page.getByRole("button", { name: `Pay ${PRICE}` }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/[A-Za-z0-9_]+$/);
  await expect(page).toHaveTitle(`Pay ${PRICE} · Waypoint sandbox payments`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Pay ${PRICE}`);
  await expect(page.locator("p.lead")).toContainText("Career conversation with Amara Okafor");
}

/** Fills the sandbox's card form and presses Pay. */
async function submitCard(page: Page, number: string, name: string) {
  await page.getByLabel("Card number", { exact: true }).fill(number);
  await page.getByLabel("Expiry (MM/YY)", { exact: true }).fill("12/30");
  await page.getByLabel("Security code", { exact: true }).fill("123");
  await page.getByLabel("Name on card", { exact: true }).fill(name);
  await page.getByRole("button", { name: `Pay ${PRICE}` }).click();
}

/** Back on the booking's page from the provider, hydrated. */
async function expectBackOnBooking(page: Page, id: string) {
  await expect(page).toHaveURL(new RegExp(`/booking/${id}\\?checkout=done$`));
  await waitForHydration(page);
}

/** Back on the booking's page by "Cancel and go back" (its own address: nothing to check), hydrated. */
async function expectCancelledBackToBooking(page: Page, id: string) {
  await expect(page).toHaveURL(new RegExp(`/booking/${id}$`));
  await waitForHydration(page);
}

/** Holds a time and pays for it with the test Visa; back on the booking, confirmed. */
async function bookAndPay(page: Page, name: string, topic: string, hours = 0) {
  await openCareerConversation(page);
  const held = await holdTime(page, hours);
  await startPaying(page, topic);
  await submitCard(page, VISA, name);
  await expectBackOnBooking(page, held.id);
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Paid`);
  return held;
}

test("a student pays with a card that goes through, and finds the receipt and the payment in billing", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "sam");
  await openCareerConversation(page);
  await expectNoAxeViolations(page);
  const held = await holdTime(page);
  await expect(page.getByText(`Pay ${PRICE} and the session is booked.`)).toBeVisible();
  await expect(page.getByText(/Cancel up to 24 hours before the start for a full refund/)).toBeVisible();
  // No payment yet.
  await expect(payment(page)).toHaveCount(0);
  await expectNoAxeViolations(page);

  const topic = "What the first year of a nursing degree is like";
  await startPaying(page, topic);
  // The test cards are listed on the sandbox's page.
  await expect(page.getByRole("table", { name: "Test card numbers and what they do" })).toContainText(VISA);
  await expectNoAxeViolations(page);
  await submitCard(page, VISA, "Sam Taylor");
  await expectBackOnBooking(page, held.id);

  // Confirmed by the provider's event; the Payment section says how it was paid.
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 2, name: "Payment" })).toBeVisible();
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Paid`);
  await expect(payment(page).getByText("Paid with Visa ending in 4242", { exact: true })).toBeVisible();
  await expect(payment(page).getByRole("link", { name: /Try another card|Continue to payment/ })).toHaveCount(0);
  await expect(page.locator("dl.details")).toContainText(topic);
  // Paid: nothing left to pay.
  await expect(page.getByRole("button", { name: `Pay ${PRICE}` })).toHaveCount(0);
  const receiptLink = payment(page).getByRole("link", { name: /^Receipt WP-\d{4}-\d{6}$/ });
  await expect(receiptLink).toBeVisible();
  const receiptName = ((await receiptLink.textContent()) ?? "").trim();
  const receiptNumber = receiptName.replace(/^Receipt /, "");
  await expectNoAxeViolations(page);

  // The receipt.
  await receiptLink.click();
  await expect(page).toHaveURL(/\/account\/billing\/receipts\/[0-9a-f-]{36}$/);
  const paymentId = page.url().split("/").pop()!;
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(receiptName);
  await expect(page).toHaveTitle(`${receiptName} · Waypoint`);
  const receipt = page.locator("article.receipt");
  await expect(receipt.locator("dl.details")).toContainText("Sam Taylor");
  await expect(receipt.locator("dl.details")).toContainText("Visa ending in 4242");
  await expect(receipt.getByRole("table")).toContainText("Career conversation with Amara Okafor");
  await expect(receipt.getByRole("row", { name: /Total paid/ })).toContainText(PRICE);
  await expectNoAxeViolations(page);

  // Billing, from the receipt's link: the payment with its receipt.
  await page.getByRole("link", { name: "All your payments" }).click();
  await expect(page).toHaveURL(/\/account\/billing$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Billing");
  const row = page.getByRole("row").filter({ has: page.locator(`a[href="/booking/${held.id}"]`) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Career conversation with Amara Okafor");
  await expect(row).toContainText(PRICE);
  await expect(row.getByRole("cell").nth(3)).toHaveText("Paid");
  await expect(row.getByRole("link", { name: receiptNumber })).toHaveAttribute("href", `/account/billing/receipts/${paymentId}`);
  await expectNoAxeViolations(page);

  // The same page loaded afresh (server-rendered), and its link in the account's navigation.
  await page.goto("/account");
  await waitForHydration(page);
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Billing", exact: true }).click();
  await expect(page).toHaveURL(/\/account\/billing$/);
  await expect(page.getByRole("row").filter({ has: page.locator(`a[href="/booking/${held.id}"]`) })).toContainText(receiptNumber);
  expect(errors).toEqual([]);
});

/**
 * Holds a time, pays with the card that is declined, and goes back to the booking ("Cancel and
 * go back" on the sandbox's page): the decline shown there. Returns the booking's id and the
 * checkout page's address.
 */
async function declinedPayment(page: Page, topic: string) {
  await openCareerConversation(page);
  const held = await holdTime(page);
  await startPaying(page, topic);
  await expectNoAxeViolations(page);
  const checkout = page.url();

  // The sandbox's page says so and offers its form again, empty.
  await submitCard(page, DECLINED, "Noah Williams");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Your card was declined.");
  await expect(alert).toContainText("Try another card.");
  await expect(page).toHaveURL(checkout);
  await expect(page.getByLabel("Card number", { exact: true })).toHaveValue("");
  await expectNoAxeViolations(page);

  // The booking: the decline, a way to try another card, and the time still held.
  await page.getByRole("link", { name: "Cancel and go back" }).click();
  await expectCancelledBackToBooking(page, held.id);
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Declined`, { timeout: 15_000 });
  await expect(payment(page).getByRole("alert")).toContainText("Your card was declined.");
  await expect(payment(page).getByRole("alert")).toContainText("Your time stays held until the hold runs out");
  await expect(payment(page).getByRole("link", { name: "Try another card" })).toHaveAttribute("href", checkout);
  await expect(status(page)).toHaveText("Held for you");
  await expect(payment(page).getByRole("link", { name: /^Receipt / })).toHaveCount(0);
  await expectNoAxeViolations(page);
  return { id: held.id, checkout };
}

test("a declined card is explained on both pages, the hold stays, and a typo in the number is caught", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "noah");
  const { id, checkout } = await declinedPayment(page, "Nursing as a second career at 35");

  // Another card, with a typo in its number: the field says what is wrong, the rest is kept.
  await payment(page).getByRole("link", { name: "Try another card" }).click();
  await expect(page).toHaveURL(checkout);
  await submitCard(page, TYPO, "Noah Williams");
  const number = page.getByLabel("Card number", { exact: true });
  await expect(page.locator("#number-error")).toHaveText("This card number isn't valid; check for a typo.");
  await expect(number).toHaveAttribute("aria-invalid", "true");
  await expect(number).toHaveAttribute("aria-describedby", "number-error");
  await expect(number).toHaveValue(TYPO);
  await expect(page.getByRole("alert")).toContainText("Please correct the fields marked below.");
  await expect(page.getByLabel("Expiry (MM/YY)", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Name on card", { exact: true })).toHaveValue("Noah Williams");
  await expectNoAxeViolations(page);

  // Noah gives up: back to the booking, still held and unpaid, and he lets the time go.
  await page.getByRole("link", { name: "Cancel and go back" }).click();
  await expectCancelledBackToBooking(page, id);
  await expect(status(page)).toHaveText("Held for you");
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Declined`);
  await page.getByRole("button", { name: "Let this time go" }).click();
  await expect(status(page)).toHaveText("Cancelled");
  await expect(payment(page).getByRole("heading", { name: "Refunds" })).toHaveCount(0);
  expect(unexpected(errors)).toEqual([]);
});

test("after a declined card, another card goes through and the booking shows it confirmed", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "noah");
  const { id, checkout } = await declinedPayment(page, "Returning to study after ten years at work");

  await payment(page).getByRole("link", { name: "Try another card" }).click();
  await expect(page).toHaveURL(checkout);
  await submitCard(page, VISA, "Noah Williams");
  await expectBackOnBooking(page, id);
  // Without reloading: the page checks again until the provider's event has arrived.
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Paid`);
  await expect(payment(page).getByRole("alert")).toHaveCount(0);
  await expect(payment(page).getByRole("link", { name: "Try another card" })).toHaveCount(0);
  await expect(payment(page).getByText("Paid with Visa ending in 4242", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: `Pay ${PRICE}` })).toHaveCount(0);
  await expectNoAxeViolations(page);
  expect(unexpected(errors)).toEqual([]);
});

test("a card whose bank asks to confirm the payment goes through after confirming", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "noah");
  await openCareerConversation(page);
  const held = await holdTime(page);
  await startPaying(page, "Which nursing courses take career changers");
  await submitCard(page, NEEDS_AUTHENTICATION, "Noah Williams");

  // The bank's step.
  await expect(page).toHaveURL(/\/sandbox\/checkout\/[A-Za-z0-9_]+\/authenticate$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm this payment");
  await expect(page.getByText(`Your bank asks you to confirm a payment of ${PRICE} to Waypoint.`)).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Confirm payment" }).click();

  await expectBackOnBooking(page, held.id);
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Paid`);
  await expect(payment(page).getByText("Paid with Visa ending in 3155", { exact: true })).toBeVisible();
  await expect(payment(page).getByRole("link", { name: /^Receipt WP-/ })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("cancelling a paid session more than a day ahead refunds all of it", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "sam");
  // Amara's free cancellation ends 24 hours before the start; the time is chosen well clear of it.
  const held = await bookAndPay(page, "Sam Taylor", "Nursing apprenticeships or a degree?", 26);
  expect(Date.parse(held.start) - Date.now()).toBeGreaterThan(25 * 3_600_000);
  await expect(payment(page).getByRole("heading", { name: "Refunds" })).toHaveCount(0);

  await page.getByLabel("Why are you cancelling? (the other person sees this)").fill("I've started a placement that week.");
  await page.getByRole("button", { name: "Cancel session" }).click();
  await expect(status(page)).toHaveText("Cancelled");
  await expect(page.getByRole("status").filter({ hasText: "Cancelled: the time is free again." })).toBeVisible();
  const note = page.locator("dl.details dt", { hasText: /^Cancellation$/ }).locator("xpath=following-sibling::dd[1]");
  await expect(note).not.toContainText("late cancellation");

  // The full amount is on its way back. (The refunds worker runs every 5 s, so on a rare run
  // the refund has already gone through by the time the page reloads its payment.)
  await expect(payment(page).getByRole("heading", { level: 3, name: "Refunds" })).toBeVisible();
  const refund = payment(page).getByRole("listitem");
  await expect(refund).toHaveCount(1);
  await expect(refund).toContainText(`${PRICE}: You cancelled in time.`);
  await expect(refund).toContainText(/On its way \(banks take a few days to show it\)|Refunded/);
  await expectNoAxeViolations(page);

  // The worker submits it, the provider's event settles it: "Refunded" after a reload.
  await expect(async () => {
    await page.reload();
    await waitForHydration(page);
    await expect(refund).toContainText(`${PRICE}: You cancelled in time. Refunded`, { timeout: 1_000 });
  }).toPass({ timeout: 20_000, intervals: [2_000] });
  await expect(refund).not.toContainText("On its way");
  await expect(paymentStatus(page)).toHaveText(`${PRICE}: Refunded`);
  await expectNoAxeViolations(page);

  // Billing says so too, and the receipt shows the refund and nothing paid in the end.
  await page.goto("/account/billing");
  await waitForHydration(page);
  const row = page.getByRole("row").filter({ has: page.locator(`a[href="/booking/${held.id}"]`) });
  await expect(row.getByRole("cell").nth(3)).toHaveText(`Refunded (${PRICE} refunded)`);
  await row.getByRole("link", { name: /^WP-/ }).click();
  await expect(page).toHaveURL(/\/account\/billing\/receipts\/[0-9a-f-]{36}$/);
  await waitForHydration(page);
  await expect(page.getByRole("row", { name: /^Refund: You cancelled in time \(refunded\)/ })).toContainText(`−${PRICE}`);
  await expect(page.getByRole("row", { name: /Total paid/ })).toContainText("£0.00");
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});
