import type { Browser, Locator, Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// Mentors and booking, on the demo data (README lists the accounts): Amara (public, Europe/London,
// no approval, Mon/Wed/Fri, 4 h notice), Diego (public, approval required); the students Noah
// (Australia/Brisbane) and Sam (Europe/London). Not Priya: accounts.spec.ts locks her sign-in
// for 15 minutes on purpose. The times offered
// depend on when the suite runs, so every test takes the first time offered (there is always
// one within the week) and reads back what it chose, never a fixed time.
// The demo's session types here are paid: a hold is confirmed by paying on the sandbox
// provider's checkout page with its test Visa (payments.spec.ts tests the payments themselves).

const STUDENT_PASSWORD = "waypoint-student-demo";
const MENTOR_PASSWORD = "waypoint-mentor-demo";
const AMARA_HEADLINE = "Paediatric ward lead nurse";
const SAM_REVIEW_START = "Amara was honest about the hard parts of ward work";

// Several people and pages a test; axe runs on each page.
test.describe.configure({ timeout: 120_000 });

async function signIn(page: Page, login: string, password: string) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** A second person in their own browser context, signed in, failing on their console errors. */
async function person(browser: Browser, baseURL: string | undefined, login: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await signIn(page, login, password);
  return { context, page, errors };
}

/** The errors worth failing on: a refused action's 4xx answer from /api/ is expected. */
function unexpected(errors: string[]) {
  return errors.filter((e) => !e.includes("/api/") && !e.startsWith("Failed to load resource"));
}

/** The times to book on a mentor's page (each an ActionForm's button, "Book <day>, <time>"). */
function timeButtons(page: Page) {
  return page.getByRole("region", { name: "Book a time" }).getByRole("button", { name: /^Book / });
}

/** "Mon 30 Nov, 14:00" from a time button's accessible name ("Book Mon 30 Nov, 14:00 (…)"). */
async function slotLabel(button: Locator, verb: "Book" | "Move to") {
  const text = (await button.textContent()) ?? "";
  const match = text.replace(/\s+/g, " ").match(new RegExp(`^\\s*${verb} (.+?), ?(\\d\\d:\\d\\d)`));
  expect(match, `a day and time in "${text}"`).not.toBeNull();
  return `${match![1]}, ${match![2]}`;
}

/** The RFC 3339 start a time button's form sends. */
async function slotStart(button: Locator) {
  return button.locator("xpath=ancestor::form[1]").locator('input[name="start"]').inputValue();
}

/** The booking page's "When" value. */
function when(page: Page) {
  return page.locator("dl.details dt", { hasText: /^When$/ }).locator("xpath=following-sibling::dd[1]");
}

/** The booking page's status line (the Payment section has its own). */
function status(page: Page) {
  return page.locator("article > .status-line");
}

/** The booking page's Payment section. */
function payment(page: Page) {
  return page.getByRole("region", { name: "Payment" });
}

/** The booking page's "Price" value ("£35.00"), as the Pay buttons say it. */
async function price(page: Page) {
  const dd = page.locator("dl.details dt", { hasText: /^Price$/ }).locator("xpath=following-sibling::dd[1]");
  const text = ((await dd.textContent()) ?? "").trim();
  expect(text, "a price").toMatch(/\d/);
  return text;
}

/**
 * On the sandbox provider's checkout page (a full page outside the app, no WASM): checks it
 * (axe included), pays with the test Visa that succeeds, and waits until the browser is back
 * on the booking's page, hydrated.
 */
async function payOnSandbox(page: Page, id: string, amount: string, name: string) {
  await expect(page).toHaveURL(/\/sandbox\/checkout\/[A-Za-z0-9_]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Pay ${amount}`);
  await expectNoAxeViolations(page);
  await page.getByLabel("Card number", { exact: true }).fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry (MM/YY)", { exact: true }).fill("12/30");
  await page.getByLabel("Security code", { exact: true }).fill("123");
  await page.getByLabel("Name on card", { exact: true }).fill(name);
  await page.getByRole("button", { name: `Pay ${amount}` }).click();
  await expect(page).toHaveURL(new RegExp(`/booking/${id}\\?checkout=done$`));
  await waitForHydration(page);
}

/** Opens a mentor's page on the session type `type` (its link, as a person would). */
async function openSessionType(page: Page, handle: string, type: string) {
  await page.goto(`/mentors/${handle}`);
  await waitForHydration(page);
  const link = page.getByRole("region", { name: "Sessions" }).getByRole("link", { name: type, exact: true });
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/mentors/${handle}\\?type=[0-9a-f-]{36}`));
  await expect(page.getByRole("region", { name: "Sessions" }).getByRole("link", { name: type, exact: true })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await expect(timeButtons(page).first()).toBeVisible();
}

/** Holds the first time offered on the page; returns the booking's id, the time and its start. */
async function holdFirstTime(page: Page) {
  const button = timeButtons(page).first();
  const label = await slotLabel(button, "Book");
  const start = await slotStart(button);
  await button.click();
  await expect(page).toHaveURL(/\/booking\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(status(page)).toHaveText("Held for you");
  return { id, label, start };
}

/**
 * Confirms the paid hold `id` on its page: the topic, "Pay <price>", the sandbox's checkout with
 * the test Visa in `name`, and back on the booking's page (confirmed, or sent to the mentor,
 * once the provider's event has arrived: the page checks again every 2 s).
 */
async function confirmHold(page: Page, id: string, topic: string, name: string) {
  const amount = await price(page);
  await page.getByLabel("What would you like to talk about?").fill(topic);
  await page.getByRole("button", { name: `Pay ${amount}` }).click();
  await payOnSandbox(page, id, amount, name);
}

test("a visitor finds a mentor by a word, and reads their page", async ({ page, baseURL }) => {
  const errors = collectPageErrors(page);
  await page.goto("/mentors");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Mentors · Waypoint");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mentors");
  await expect(page.getByRole("link", { name: "Amara Okafor" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Diego Ramírez" })).toBeVisible();
  // Mei lists for her organization only.
  await expect(page.getByRole("link", { name: "Mei Chen" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  await page.getByLabel("Search mentors").fill("paediatric");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/\/mentors\?q=paediatric/);
  const all = page.getByRole("region", { name: "All mentors" });
  await expect(all.getByText("1 mentor", { exact: true })).toBeVisible();
  await expect(all.getByRole("link", { name: "Amara Okafor" })).toBeVisible();
  await expect(all.getByRole("link", { name: "Diego Ramírez" })).toHaveCount(0);
  await expect(page.getByLabel("Search mentors")).toHaveValue("paediatric");
  await expectNoAxeViolations(page);

  await all.getByRole("link", { name: "Amara Okafor" }).click();
  await expect(page).toHaveURL(/\/mentors\/amara$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Amara Okafor");
  await expect(page).toHaveTitle("Amara Okafor · mentor · Waypoint");
  const canonical = `${baseURL}/mentors/amara`;
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", canonical);
  await expect(page.locator('meta[name="description"]')).toHaveAttribute(
    "content",
    new RegExp(`^${AMARA_HEADLINE}\\. Registered nurse for twelve years`),
  );
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "profile");
  await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", canonical);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Amara Okafor · mentor · Waypoint");
  await expect(page.locator('meta[property="og:description"]')).toHaveAttribute("content", new RegExp(`^${AMARA_HEADLINE}`));
  const scripts = await page.locator('script[type="application/ld+json"]').allTextContents();
  const person = scripts.map((text) => JSON.parse(text)).find((value) => value["@type"] === "Person");
  expect(person, "a JSON-LD Person").toBeTruthy();
  expect(person.name).toBe("Amara Okafor");
  expect(person.url).toBe(canonical);
  expect(person.knowsAbout).toContain("nursing");
  expect(person.aggregateRating).toMatchObject({ "@type": "AggregateRating", reviewCount: 1, ratingValue: 5 });

  // A visitor is asked to sign in, and comes back to this page after it; the times are listed, not buttons.
  const book = page.getByRole("region", { name: "Book a time" });
  await expect(book.getByRole("link", { name: "Sign in to book" })).toHaveAttribute("href", /^\/sign-in\?next=.*mentors.*amara/);
  await expect(book.getByText("Times are shown in Europe/London")).toBeVisible();
  await expect(book.locator(".slot-list li").first()).toBeVisible();
  await expect(timeButtons(page)).toHaveCount(0);

  // Sam's review of his past session.
  const reviews = page.getByRole("region", { name: "Reviews" });
  await expect(reviews.getByText("5.0 out of 5 (1 review)")).toBeVisible();
  await expect(reviews.getByText(SAM_REVIEW_START)).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("a student books a time by keyboard and both people see it in their sessions", async ({ page, browser, baseURL }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "noah", STUDENT_PASSWORD);
  await page.goto("/mentors/amara");
  await waitForHydration(page);
  await expectNoAxeViolations(page);

  // The session type by keyboard.
  await page.getByRole("region", { name: "Sessions" }).getByRole("link", { name: "Career conversation", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/mentors\/amara\?type=[0-9a-f-]{36}/);
  const first = timeButtons(page).first();
  await expect(first).toBeVisible();
  // Noah's profile is in Brisbane: the times are his, Amara's beside them.
  await expect(page.getByText("Times are shown in Australia/Brisbane (your profile's time zone). Amara Okafor's own time is beside each.")).toBeVisible();
  await expectNoAxeViolations(page);

  // Tab from the time zone form to the first time, and hold it with Enter.
  const label = await slotLabel(first, "Book");
  await page.getByRole("button", { name: "Show times" }).focus();
  await page.keyboard.press("Tab");
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/booking\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Career conversation with Amara Okafor");
  await expect(status(page)).toHaveText("Held for you");
  await expect(when(page)).toContainText(`${label} – `);
  // A paid session: the hold is confirmed by paying.
  const amount = await price(page);
  expect(amount).toBe("£35.00");
  await expect(page.getByRole("heading", { level: 3, name: "Pay to confirm" })).toBeVisible();
  await expect(page.getByText(/^This time is held for you for \d+ minutes?\. Pay £35\.00 and the session is booked\.$/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Confirm booking" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // The topic and the Pay button by keyboard; then the provider's checkout page.
  const topic = "How to prepare for a children's nursing placement";
  await page.getByLabel("What would you like to talk about?").focus();
  await page.keyboard.type(topic);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: `Pay ${amount}` })).toBeFocused();
  await page.keyboard.press("Enter");
  await payOnSandbox(page, id, amount, "Noah Williams");
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(payment(page).locator(".status-line")).toHaveText("£35.00: Paid");
  await expect(page.locator("dl.details")).toContainText(topic);
  await expect(page.getByRole("link", { name: "https://meet.example.com/amara-okafor" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Choose a new time" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The calendar file.
  await expect(page.getByRole("link", { name: "Add to calendar" })).toHaveAttribute("href", `/booking/${id}/calendar.ics`);
  const ics = await page.request.get(`/booking/${id}/calendar.ics`);
  expect(ics.status()).toBe(200);
  expect(ics.headers()["content-type"]).toContain("text/calendar");
  const calendar = await ics.text();
  expect(calendar).toContain("BEGIN:VCALENDAR");
  expect(calendar).toContain("Career conversation: Noah Williams with Amara Okafor");

  // Noah's sessions, from the header's link.
  await page.getByRole("banner").getByRole("link", { name: "Sessions" }).click();
  await expect(page).toHaveURL(/\/booking$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your sessions");
  const upcoming = page.getByRole("region", { name: "Upcoming" });
  const card = upcoming.getByRole("listitem").filter({ has: page.locator(`a[href="/booking/${id}"]`) });
  await expect(card).toContainText("Career conversation with Amara Okafor");
  await expect(card).toContainText("Confirmed");
  await expect(card).toContainText(label);
  // Students have no mentor's or administrator's parts.
  await expect(page.getByRole("heading", { name: "Requests to answer" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Your week" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Amara's sessions: the booking in her week (it is at most a few days off) and upcoming.
  const amara = await person(browser, baseURL, "amara", MENTOR_PASSWORD);
  await amara.page.goto("/booking");
  await waitForHydration(amara.page);
  await expect(amara.page.getByRole("heading", { level: 2, name: "Requests to answer" })).toBeVisible();
  const week = amara.page.getByRole("region", { name: "Your week" });
  await expect(week.getByRole("listitem").filter({ has: amara.page.locator(`a[href="/booking/${id}"]`) }).last()).toContainText(
    "Career conversation with Noah Williams (Confirmed)",
  );
  await expect(
    amara.page.getByRole("region", { name: "Upcoming" }).locator(`a[href="/booking/${id}"]`),
  ).toBeVisible();
  await expectNoAxeViolations(amara.page);

  // Her view of it: the topic, her private notes.
  await amara.page.goto(`/booking/${id}`);
  await waitForHydration(amara.page);
  await expect(amara.page.getByRole("heading", { level: 1 })).toHaveText("Career conversation with Noah Williams");
  await expect(amara.page.locator("dl.details")).toContainText(topic);
  await expect(amara.page.getByLabel(/Private notes/)).toBeVisible();
  // The payment's state, but not the student's card or receipt.
  await expect(payment(amara.page).locator(".status-line")).toHaveText("£35.00: Paid");
  await expect(payment(amara.page)).not.toContainText("Visa");
  await expect(payment(amara.page).getByRole("link", { name: /^Receipt / })).toHaveCount(0);
  await expectNoAxeViolations(amara.page);
  expect(amara.errors).toEqual([]);
  await amara.context.close();
  expect(errors).toEqual([]);
});

test("a student moves a session to another time, then cancels it with a reason", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "sam", STUDENT_PASSWORD);
  // Sam's career goal is nursing, so the directory puts Amara in "careers that fit you".
  await page.goto("/mentors");
  await waitForHydration(page);
  const fits = page.getByRole("region", { name: "Mentors in careers that fit you" });
  await expect(fits).toContainText("your career goal, Registered Nurses");
  await expect(fits.getByRole("link", { name: "Amara Okafor" })).toBeVisible();
  await expectNoAxeViolations(page);
  await openSessionType(page, "amara", "Career conversation");
  const held = await holdFirstTime(page);
  await confirmHold(page, held.id, "Midwifery or children's nursing?", "Sam Taylor");
  await expect(status(page)).toHaveText("Confirmed", { timeout: 15_000 });
  await expect(when(page)).toContainText(`${held.label} – `);

  // "Choose a new time" shows the free times; the list's heading takes the focus.
  const choose = page.getByRole("button", { name: "Choose a new time" });
  await expect(choose).toHaveAttribute("aria-expanded", "false");
  await choose.click();
  await expect(choose).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("heading", { name: "Free times to move to" })).toBeFocused();
  const options = page.locator("#new-times").getByRole("button", { name: /^Move to / });
  await expect(options.first()).toBeVisible();
  await expectNoAxeViolations(page);

  // The first time that isn't the booking's own.
  const other = page
    .locator("#new-times form")
    .filter({ hasNot: page.locator(`input[name="start"][value="${held.start}"]`) })
    .getByRole("button", { name: /^Move to / })
    .first();
  const moved = await slotLabel(other, "Move to");
  expect(moved).not.toBe(held.label);
  await other.click();
  await expect(page.getByRole("status").filter({ hasText: "Moved to the new time." })).toBeVisible();
  await expect(when(page)).toContainText(`${moved} – `);
  await expect(when(page)).not.toContainText(`${held.label} – `);
  await expect(status(page)).toHaveText("Confirmed");
  await expect(page.getByRole("button", { name: "Choose a new time" })).toHaveAttribute("aria-expanded", "false");
  await expectNoAxeViolations(page);

  // After a reload too.
  await page.reload();
  await waitForHydration(page);
  await expect(when(page)).toContainText(`${moved} – `);

  // Cancel with a reason: the status and the cancellation note.
  const reason = "My placement dates moved; I'll book again next month.";
  await page.getByLabel("Why are you cancelling? (the other person sees this)").fill(reason);
  await page.getByRole("button", { name: "Cancel session" }).click();
  await expect(status(page)).toHaveText("Cancelled");
  await expect(page.getByRole("status").filter({ hasText: "Cancelled: the time is free again." })).toBeVisible();
  const note = page.locator("dl.details dt", { hasText: /^Cancellation$/ }).locator("xpath=following-sibling::dd[1]");
  await expect(note).toContainText("Cancelled by the student on");
  await expect(note).toContainText(reason);
  await expect(page.getByRole("button", { name: "Cancel session" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Choose a new time" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // In his past sessions now.
  await page.goto("/booking");
  await waitForHydration(page);
  const past = page.getByRole("region", { name: "Past" });
  await expect(past.getByRole("listitem").filter({ has: page.locator(`a[href="/booking/${held.id}"]`) })).toContainText("Cancelled");
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("two students reach for the same time: the second is told it was just taken", async ({ page, browser, baseURL }) => {
  const errors = collectPageErrors(page);
  // Noah opens Amara's times first…
  const noah = await person(browser, baseURL, "noah", STUDENT_PASSWORD);
  await openSessionType(noah.page, "amara", "Career conversation");
  await expectNoAxeViolations(noah.page);

  // …then Sam holds the first of them.
  await signIn(page, "sam", STUDENT_PASSWORD);
  await openSessionType(page, "amara", "Career conversation");
  const held = await holdFirstTime(page);

  // Noah presses the very same time on the page he loaded before.
  const same = noah.page.locator("form", { has: noah.page.locator(`input[name="start"][value="${held.start}"]`) }).getByRole("button");
  await expect(same).toBeVisible();
  await same.click();
  const alert = noah.page.getByRole("region", { name: "Book a time" }).getByRole("alert");
  await expect(alert).toContainText("This time was just taken");
  await expect(noah.page).toHaveURL(/\/mentors\/amara\?type=/);
  // The times reload without the one taken.
  await expect(noah.page.locator(`input[name="start"][value="${held.start}"]`)).toHaveCount(0);
  await expect(timeButtons(noah.page).first()).toBeVisible();
  await expectNoAxeViolations(noah.page);
  expect(unexpected(noah.errors)).toEqual([]);
  await noah.context.close();

  // Sam lets his go again.
  await page.getByRole("button", { name: "Let this time go" }).click();
  await expect(status(page)).toHaveText("Cancelled");
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("a mentor who approves each request declines one with a reason the student sees", async ({ page, browser, baseURL }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "noah", STUDENT_PASSWORD);
  await page.goto("/mentors/diego");
  await waitForHydration(page);
  await expect(page.getByText("Requests wait for Diego Ramírez's approval.")).toBeVisible();
  await expect(timeButtons(page).first()).toBeVisible();
  await expectNoAxeViolations(page);
  const held = await holdFirstTime(page);
  // Paid, and the request goes to Diego once paid.
  const amount = await price(page);
  await expect(page.getByRole("button", { name: `Pay ${amount}` })).toBeVisible();
  await expect(page.getByText(`Pay ${amount} and the request goes to the mentor.`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Request this session" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await confirmHold(page, held.id, "Is a bootcamp enough to get a first developer job?", "Noah Williams");
  await expect(status(page)).toHaveText("Waiting for the mentor", { timeout: 15_000 });
  await expect(payment(page).locator(".status-line")).toHaveText(`${amount}: Paid`);
  await expectNoAxeViolations(page);

  // Diego finds it under the requests to answer.
  const diego = await person(browser, baseURL, "diego", MENTOR_PASSWORD);
  await diego.page.goto("/booking");
  await waitForHydration(diego.page);
  const requests = diego.page.getByRole("region", { name: "Requests to answer" });
  const request = requests.getByRole("listitem").filter({ has: diego.page.locator(`a[href="/booking/${held.id}"]`) });
  await expect(request).toContainText("with Noah Williams");
  await expectNoAxeViolations(diego.page);
  await request.getByRole("link", { name: /^Answer/ }).click();
  await expect(diego.page).toHaveURL(new RegExp(`/booking/${held.id}$`));
  await expect(diego.page.getByRole("heading", { level: 1 })).toContainText("with Noah Williams");
  await expect(status(diego.page)).toHaveText("Waiting for the mentor");
  await expect(diego.page.getByRole("heading", { name: "Answer this request" })).toBeVisible();
  await expectNoAxeViolations(diego.page);
  const reason = "I'm away that week; please pick a time after the 20th.";
  await diego.page.getByLabel("Why are you declining? (the student sees this)").fill(reason);
  await diego.page.getByRole("button", { name: "Decline", exact: true }).click();
  await expect(status(diego.page)).toHaveText("Declined");
  await expect(diego.page.getByRole("status").filter({ hasText: "Your answer is sent." })).toBeVisible();
  await expect(diego.page.getByRole("button", { name: "Accept" })).toHaveCount(0);
  await expectNoAxeViolations(diego.page);
  // No longer waiting for him.
  await diego.page.goto("/booking");
  await expect(diego.page.getByRole("region", { name: "Requests to answer" }).locator(`a[href="/booking/${held.id}"]`)).toHaveCount(0);
  expect(diego.errors).toEqual([]);
  await diego.context.close();

  // Noah sees the answer and why.
  await page.reload();
  await waitForHydration(page);
  await expect(status(page)).toHaveText("Declined");
  await expect(page.locator("article")).toContainText(reason);
  await expect(page.getByRole("link", { name: "Add to calendar" })).toHaveCount(0);
  // Declined after paying: everything comes back (the refund may be on its way still).
  const refunds = payment(page).getByRole("listitem");
  await expect(payment(page).getByRole("heading", { level: 3, name: "Refunds" })).toBeVisible();
  await expect(refunds).toHaveCount(1);
  await expect(refunds).toContainText(`${amount}: The mentor declined the request.`);
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test("a mentor edits their listing; a wrong weekly hours entry is explained and saves nothing", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, "amara", MENTOR_PASSWORD);
  await page.goto("/account/listing");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your mentor listing");
  await expect(page.getByLabel("Headline", { exact: true })).toHaveValue(AMARA_HEADLINE);
  await expect(page.getByRole("heading", { name: "Session types" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 3, name: "Career conversation" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The headline, saved and shown on her public page. (It keeps its first words: the other
  // tests and the no-JavaScript spec search for "paediatric".)
  const headline = `${AMARA_HEADLINE} and nursing mentor`;
  await page.getByLabel("Headline", { exact: true }).fill(headline);
  await page.getByRole("button", { name: "Save listing" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Listing saved." })).toBeVisible();
  await expect(page.getByLabel("Headline", { exact: true })).toHaveValue(headline);
  await page.getByRole("link", { name: "See your public page" }).click();
  await expect(page).toHaveURL(/\/mentors\/amara$/);
  await expect(page.locator("article.mentor .lead")).toHaveText(headline);
  await expect(page.getByText("This is your listing: students see these times.")).toBeVisible();
  await expectNoAxeViolations(page);

  // A weekly hours entry that isn't hours: the message beside Monday, nothing saved.
  await page.goto("/account/listing");
  await waitForHydration(page);
  const monday = page.getByLabel("Monday", { exact: true });
  const wednesday = page.getByLabel("Wednesday", { exact: true });
  const savedMonday = await monday.inputValue();
  const savedWednesday = await wednesday.inputValue();
  expect(savedMonday).toMatch(/09:00/);
  await monday.fill("9am-5pm");
  await wednesday.fill("08:00-10:00");
  await page.getByRole("button", { name: "Save hours" }).click();
  const mondayError = page.locator("#hours-monday-error");
  await expect(mondayError).toBeVisible();
  await expect(mondayError).not.toBeEmpty();
  await expect(monday).toHaveAttribute("aria-invalid", "true");
  await expect(monday).toHaveAttribute("aria-describedby", /hours-monday-error/);
  await expect(page.locator("#hours-wednesday-error")).toBeHidden();
  // What was typed stays for correcting.
  await expect(monday).toHaveValue("9am-5pm");
  await expect(page.getByRole("status").filter({ hasText: "Hours saved." })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel("Monday", { exact: true })).toHaveValue(savedMonday);
  await expect(page.getByLabel("Wednesday", { exact: true })).toHaveValue(savedWednesday);

  // The headline back as it was.
  await page.getByLabel("Headline", { exact: true }).fill(AMARA_HEADLINE);
  await page.getByRole("button", { name: "Save listing" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Listing saved." })).toBeVisible();
  expect(unexpected(errors)).toEqual([]);
});
