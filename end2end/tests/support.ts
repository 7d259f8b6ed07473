import { test as base, expect, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/**
 * Playwright's `test`, failing any test during which the page logged a console error or threw
 * (a panic in the WASM, a hydration mismatch, a CSP violation). A panic during hydration stops
 * the page responding until a reload, so no test may pass over one. The browser's own
 * "Failed to load resource" lines for 4xx answers are left to the tests that expect them
 * (`collectPageErrors` checks responses where a test wants none).
 */
export const test = base.extend<{ failOnConsoleErrors: void }>({
  failOnConsoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        // axe-core's attempt to run inside the outbox's email preview, a sandboxed frame that by
        // design runs no script, is the test tool's doing, not the page's.
        const axeInSandbox = message.text().includes("because the document's frame is sandboxed and the 'allow-scripts' permission is not set");
        if (message.type() === "error" && !message.text().startsWith("Failed to load resource") && !axeInSandbox) {
          errors.push(`console error on ${page.url()}: ${message.text()}`);
        }
      });
      page.on("pageerror", (error) => errors.push(`uncaught on ${page.url()}: ${error.message}`));
      await use();
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Waits until the WASM bundle has hydrated the page (App sets data-hydrated on <body>). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Runs axe-core (WCAG 2.x A and AA rules) and fails with the violations listed. */
export async function expectNoAxeViolations(page: Page) {
  const axe = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]);
  // A sandboxed frame without scripts (the outbox's email preview) can't run axe: its default
  // mode waits for ever on it, so such pages are checked in the page itself (the frame holds an
  // email, not the product's markup).
  if ((await page.locator("iframe[sandbox]").count()) > 0) axe.setLegacyMode(true);
  const results = await axe.analyze();
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
  );
  expect(summary, "axe-core violations").toEqual([]);
}

/** Collects console errors and failed requests (a CSP violation shows up as one). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().includes("/no-such-page")) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  return errors;
}

/** The demo accounts' passwords (README.md lists the accounts). */
export const DEMO_PASSWORDS = {
  student: "waypoint-student-demo",
  mentor: "waypoint-mentor-demo",
  orgAdmin: "waypoint-orgadmin-demo",
} as const;

/** Signs in on /sign-in and waits for the account page. */
export async function signInAs(page: Page, login: string, password: string = DEMO_PASSWORDS.student) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** A second person in their own browser context, signed in. */
export async function personAs(browser: Browser, baseURL: string | undefined, login: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInAs(page, login, password);
  return { context, page };
}

/** The platform administrator (README.md): every organization's outbox, Waypoint Community's included. */
export const PLATFORM_ADMIN = { login: "admin", password: "waypoint-admin-demo" } as const;

/** A name no earlier run has used (the e2e database lives across the tests of one run). */
export function uniqueName(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

/**
 * Signs up a new account on /sign-up (hydrated) and waits for its account page. Without an
 * invite code it joins the Waypoint community; with Riverside's, Riverside Career Centre.
 */
export async function signUp(page: Page, options: { prefix: string; firstName: string; lastName: string; inviteCode?: string }) {
  const username = uniqueName(options.prefix);
  const account = { username, email: `${username}@example.org`, password: "lantern orchard ribbon 42" };
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("First name").fill(options.firstName);
  await page.getByLabel("Last name").fill(options.lastName);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  if (options.inviteCode) await page.getByLabel("Invite code (optional)").fill(options.inviteCode);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  return account;
}

/**
 * On /admin/outbox (signed in as an administrator): opens the newest message to `to` whose
 * subject is `subject`, looking through older pages when it isn't on the first, and waits for
 * the message page, hydrated. The outbox is written in the event's own transaction, so the
 * message is there as soon as the event's page has answered.
 */
export async function openOutboxMessage(page: Page, to: string, subject: string) {
  await page.goto("/admin/outbox");
  await waitForHydration(page);
  for (;;) {
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: to, exact: true }) })
      .filter({ has: page.getByRole("link", { name: subject, exact: true }) })
      .first();
    if ((await row.count()) > 0) {
      await row.getByRole("link", { name: subject, exact: true }).click();
      break;
    }
    const older = page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Older" });
    expect(await older.count(), `an email "${subject}" to ${to} in the outbox`).toBeGreaterThan(0);
    await older.click();
    await expect(page).toHaveURL(/\/admin\/outbox\?page=\d+$/);
    await waitForHydration(page);
  }
  await expect(page).toHaveURL(/\/admin\/outbox\/[0-9a-f-]{36}$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 2, name: subject })).toBeVisible();
}

/** The outbox message page's plain-text part. */
export function emailText(page: Page) {
  return page.locator("pre.email-text");
}

/** The path of the first link to `path` (e.g. "/reset-password/") in the message's plain text. */
export async function linkInEmail(page: Page, path: string) {
  const text = (await emailText(page).textContent()) ?? "";
  const match = text.match(new RegExp(`https?://[^\\s]+(${path.replace(/\//g, "\\/")}[^\\s]+)`));
  expect(match, `a link to ${path}… in the email:\n${text}`).not.toBeNull();
  return match![1];
}

/** The header's unread count: the badge's number, or 0 when there is no badge. */
export async function unreadBadge(page: Page) {
  const badge = page.getByRole("banner").getByTestId("unread-badge");
  if ((await badge.count()) === 0) return 0;
  return Number(((await badge.textContent()) ?? "").trim());
}
