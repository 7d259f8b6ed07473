import type { Browser, Page } from "@playwright/test";
import {
  test,
  expect,
  DEMO_PASSWORDS,
  emailText,
  expectNoAxeViolations,
  openOutboxMessage,
  personAs,
  signInAs,
  signUp,
  unreadBadge,
  waitForHydration,
} from "./support";

// Notifications in the app (the centre, the header's live badge, the settings) and by email
// (the administrators' outbox, where mail is kept when no SMTP_URL is set, as on the e2e
// server; each email's unsubscribe link). On the demo data (README lists the accounts):
// Mei lists for Riverside only and books at once; the first test has her approve each request
// for its length (and puts that back), so the other specs' mentors, Amara and Diego, stay as
// they are. The students here are new accounts each run, so no other spec's counts move; Sam's
// and Amara's demo notifications (unread "Session confirmed" and "New session booked") give the
// page-load badge something to count.

const RIVERSIDE_INVITE = "RIVERSIDE-2026";
const SAM_EMAIL = "sam.taylor@riverside.test";
const APPROVAL = "I accept or decline each request before it is booked";

// Two people and several pages a test, axe on each.
test.describe.configure({ timeout: 120_000 });

/** The booking page's own status line. */
function bookingStatus(page: Page) {
  return page.locator("article > .status-line");
}

/** Mei's listing: whether she accepts or declines each request first. */
async function setApproval(page: Page, on: boolean) {
  await page.goto("/account/listing");
  await waitForHydration(page);
  await page.getByRole("checkbox", { name: APPROVAL }).setChecked(on);
  await page.getByRole("button", { name: "Save listing" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Listing saved." })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: APPROVAL })).toBeChecked({ checked: on });
}

/** The header's link to the centre, named with the count ("Notifications, 2 unread"). */
function notificationsLink(page: Page) {
  return page.getByRole("banner").getByRole("link", { name: /^Notifications/ });
}

/**
 * The link's accessible name for `unread` notifications. (The count is in a visually hidden
 * span, which accessible-name computation may set off with a space: "Notifications , 2 unread".)
 */
function linkName(unread: number) {
  return unread > 0 ? new RegExp(`^Notifications\\s?, ${unread} unread$`) : /^Notifications$/;
}

/** Signs in by the plain form (no JavaScript: the browser posts it). */
async function signInWithoutJavaScript(browser: Browser, baseURL: string | undefined, login: string, password: string) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  return { context, page };
}

/** The centre's "N unread" line as a number (0 when everything has been read). */
async function centreUnread(page: Page) {
  const line = page.getByRole("main").locator(".notifications-toolbar .status-line");
  const text = ((await line.textContent()) ?? "").trim();
  if (text === "Everything has been read.") return 0;
  const match = text.match(/^(\d+) unread$/);
  expect(match, `an unread count in "${text}"`).not.toBeNull();
  return Number(match![1]);
}

test("a mentor confirms a booking and the student's badge goes up without a reload", async ({ page, browser, baseURL }) => {
  const mei = await personAs(browser, baseURL, "mei", DEMO_PASSWORDS.mentor);
  await setApproval(mei.page, true);
  let passed = false;
  try {
    // A new Riverside student asks for Mei's free "Trades chat".
    await signUp(page, { prefix: "kofi", firstName: "Kofi", lastName: "Mensah", inviteCode: RIVERSIDE_INVITE });
    await page.goto("/mentors/mei");
    await waitForHydration(page);
    await expect(page.getByText("Requests wait for Mei Chen's approval.")).toBeVisible();
    await page.getByRole("region", { name: "Sessions" }).getByRole("link", { name: "Trades chat", exact: true }).click();
    await expect(page).toHaveURL(/\/mentors\/mei\?type=[0-9a-f-]{36}/);
    const firstTime = page.getByRole("region", { name: "Book a time" }).getByRole("button", { name: /^Book / }).first();
    await expect(firstTime).toBeVisible();
    await expectNoAxeViolations(page);
    await firstTime.click();
    await expect(page).toHaveURL(/\/booking\/[0-9a-f-]{36}$/);
    const id = page.url().split("/").pop()!;
    await expect(bookingStatus(page)).toHaveText("Held for you");
    await page.getByLabel("What would you like to talk about?").fill("Which apprenticeship suits someone leaving school this year?");
    await page.getByRole("button", { name: "Request this session" }).click();
    await expect(bookingStatus(page)).toHaveText("Waiting for the mentor");
    await expectNoAxeViolations(page);

    // The student waits on their account page, hydrated (the live stream opens then).
    await page.goto("/account");
    await waitForHydration(page);
    await expectNoAxeViolations(page);
    const before = await unreadBadge(page);
    // Set on this very document: still there afterwards means the page was never reloaded.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // Mei accepts the request from her dashboard.
    await mei.page.goto("/booking");
    await waitForHydration(mei.page);
    const request = mei.page
      .getByRole("region", { name: "Requests to answer" })
      .getByRole("listitem")
      .filter({ has: mei.page.locator(`a[href="/booking/${id}"]`) });
    await expect(request).toContainText("with Kofi Mensah");
    await expectNoAxeViolations(mei.page);
    await request.getByRole("link", { name: /^Answer/ }).click();
    await expect(mei.page).toHaveURL(new RegExp(`/booking/${id}$`));
    await waitForHydration(mei.page);
    await expectNoAxeViolations(mei.page);
    await mei.page.getByRole("button", { name: "Accept" }).click();
    await expect(bookingStatus(mei.page)).toHaveText("Confirmed");
    await expect(mei.page.getByRole("status").filter({ hasText: "Your answer is sent." })).toBeVisible();

    // The student's badge, without a reload.
    await expect(page.getByRole("banner").getByTestId("unread-badge")).toHaveText(String(before + 1), { timeout: 15_000 });
    await expect(notificationsLink(page)).toHaveAccessibleName(linkName(before + 1));
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), "the same page, not reloaded").toBe(true);

    // The centre: the newest says so and leads to the booking.
    await notificationsLink(page).click();
    await expect(page).toHaveURL(/\/notifications$/);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Notifications");
    const newest = page.getByRole("main").getByRole("listitem").first();
    await expect(newest.getByRole("heading", { level: 2 })).toContainText("Session confirmed");
    await expect(newest).toContainText("Unread");
    await expect(newest).toContainText("Your request for Trades chat was accepted.");
    await expect(newest.getByRole("link", { name: "Session confirmed" })).toHaveAttribute("href", `/booking/${id}`);
    await expect(page.getByText(`${before + 1} unread`, { exact: true })).toBeVisible();
    await expectNoAxeViolations(page);

    // "Mark all as read" by keyboard: the badge goes, and so do the unread markers.
    await page.getByRole("button", { name: "Mark all as read" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByText("Everything has been read.", { exact: true })).toBeVisible();
    await expect(page.getByRole("main").getByText("Unread", { exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Mark as read/ })).toHaveCount(0);
    await expect(page.getByRole("banner").getByTestId("unread-badge")).toHaveCount(0);
    await expect(notificationsLink(page)).toHaveAccessibleName(linkName(0));
    await expectNoAxeViolations(page);

    // The link leads to the booking, confirmed.
    await page.getByRole("main").getByRole("link", { name: "Session confirmed" }).first().click();
    await expect(page).toHaveURL(new RegExp(`/booking/${id}$`));
    await expect(bookingStatus(page)).toHaveText("Confirmed");
    passed = true;
  } finally {
    // Mei books at once again. A failure here is reported only when it would not hide the
    // test's own.
    await setApproval(mei.page, false).catch((error) => {
      if (passed) throw error;
    });
    await mei.context.close();
  }
});

test("notification settings: sessions by email turned off by keyboard, and it stays off", async ({ page }) => {
  await signUp(page, { prefix: "lena", firstName: "Lena", lastName: "Fischer" });
  await page.goto("/account/notifications");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Notifications");
  await expect(page).toHaveTitle("Notification settings · Waypoint");
  await expectNoAxeViolations(page);

  const inApp = page.getByRole("checkbox", { name: "Sessions in the app", exact: true });
  const byEmail = page.getByRole("checkbox", { name: "Sessions by email", exact: true });
  await expect(inApp).toBeChecked();
  await expect(byEmail).toBeChecked();

  // From the in-app box, Tab to the email one, Space to untick it; then Save with Enter.
  await inApp.focus();
  await page.keyboard.press("Tab");
  await expect(byEmail).toBeFocused();
  await page.keyboard.press("Space");
  await expect(byEmail).not.toBeChecked();
  await page.getByRole("button", { name: "Save", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole("checkbox", { name: "Sessions by email", exact: true })).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Sessions in the app", exact: true })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Payments and refunds by email", exact: true })).toBeChecked();
});

test("without JavaScript the badge counts the unread notifications at page load", async ({ browser, baseURL }) => {
  // (axe-core needs JavaScript; these pages are checked with it in the other tests.)
  for (const [login, password, title] of [
    ["sam", DEMO_PASSWORDS.student, "Session confirmed"],
    ["amara", DEMO_PASSWORDS.mentor, "New session booked"],
  ] as const) {
    const { context, page } = await signInWithoutJavaScript(browser, baseURL, login, password);
    await page.goto("/notifications");
    const unread = await centreUnread(page);
    expect(unread, `${login} has unread notifications (the demo's "${title}" among them)`).toBeGreaterThan(0);
    await expect(page.getByRole("banner").getByTestId("unread-badge")).toHaveText(String(unread));
    await expect(notificationsLink(page)).toHaveAccessibleName(linkName(unread));

    // Any page, loaded afresh, says the same.
    await page.goto("/account");
    await expect(page.getByRole("banner").getByTestId("unread-badge")).toHaveText(String(unread));
    await context.close();
  }
});

test("an administrator reads the kept emails in the outbox", async ({ page }) => {
  await signInAs(page, "riverside-admin", DEMO_PASSWORDS.orgAdmin);
  await page.goto("/admin/outbox");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Outbox");
  await expect(page.getByText("No mail server is configured (SMTP_URL is not set)")).toBeVisible();
  const rows = page.getByRole("row").filter({ has: page.getByRole("link") });
  await expect(rows.first()).toBeVisible();
  await expectNoAxeViolations(page);

  // Sam's demo "Session confirmed" email, as Sam reads it.
  await openOutboxMessage(page, SAM_EMAIL, "Session confirmed");
  const detail = (name: string) =>
    page.locator("dl.details dt", { hasText: new RegExp(`^${name}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(detail("To")).toHaveText(SAM_EMAIL);
  await expect(detail("Subject")).toHaveText("Session confirmed");
  await expect(detail("From")).not.toBeEmpty();
  await expect(detail("Unsubscribe address")).toContainText("/email/unsubscribe/");
  await expect(emailText(page)).toContainText("Hi Sam,");
  await expect(emailText(page)).toContainText("Amara confirmed your session.");
  await expect(emailText(page)).toContainText("/booking/");
  await expect(page.locator('iframe[title="Session confirmed: HTML version"]')).toHaveCount(1);
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Back to the outbox" }).click();
  await expect(page).toHaveURL(/\/admin\/outbox$/);
});

test("an email's unsubscribe link works once, and a forged one doesn't", async ({ page, browser, baseURL }) => {
  // Sam's demo "Payment received" email: its link turns his payment emails off.
  const admin = await personAs(browser, baseURL, "riverside-admin", DEMO_PASSWORDS.orgAdmin);
  await openOutboxMessage(admin.page, SAM_EMAIL, "Payment received");
  await expectNoAxeViolations(admin.page);
  const address = (
    (await admin.page
      .locator("dl.details dt", { hasText: /^Unsubscribe address$/ })
      .locator("xpath=following-sibling::dd[1]")
      .textContent()) ?? ""
  ).trim();
  expect(address).toMatch(/\/email\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  // The same link is in the email itself.
  await expect(emailText(admin.page)).toContainText(address);
  await admin.context.close();
  const path = new URL(address).pathname;

  // A visitor (no one signed in) opens it: nothing changes until the button is pressed.
  await page.goto(path);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Unsubscribe");
  await expect(page.getByRole("heading", { level: 2, name: "Stop these emails?" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("status")).toContainText("You won't get emails about Payments and refunds any more.");
  await expect(page.getByRole("button", { name: "Unsubscribe" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Again: already used.
  await page.goto(path);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("status")).toContainText("This link was already used");
  await expectNoAxeViolations(page);

  // Forged: the same signature over another message's id.
  const [, signature] = path.split("/").pop()!.split(".");
  const otherMessage = Buffer.from("00000000-0000-4000-8000-000000000000").toString("base64url");
  await page.goto(`/email/unsubscribe/${otherMessage}.${signature}`);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("alert")).toContainText("This unsubscribe link isn't valid.");
  await expect(page.getByRole("status")).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Sam's settings show it off; he turns it back on.
  await signInAs(page, "sam", DEMO_PASSWORDS.student);
  await page.goto("/account/notifications");
  await waitForHydration(page);
  const payments = page.getByRole("checkbox", { name: "Payments and refunds by email", exact: true });
  await expect(payments).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Payments and refunds in the app", exact: true })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Sessions by email", exact: true })).toBeChecked();
  await payments.check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(payments).toBeChecked();
});
