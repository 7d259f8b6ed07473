import type { Page } from "@playwright/test";
import {
  test,
  expect,
  PLATFORM_ADMIN,
  emailText,
  expectNoAxeViolations,
  linkInEmail,
  openOutboxMessage,
  personAs,
  signUp,
  uniqueName,
  waitForHydration,
} from "./support";

// The account emails: resetting a forgotten password and confirming an address. The e2e server
// has no SMTP_URL, so mail is kept in the outbox and the tests read each link there, as an
// administrator of the account's organization would. New accounts without an invite code join
// the Waypoint community, whose administrator is the platform administrator (README).

const RESET_SUBJECT = "Reset your Waypoint password";
const VERIFY_SUBJECT = "Confirm your email address for Waypoint";
const NEUTRAL =
  "If an account uses that address, we've sent it a link to choose a new password. The link works once, for 30 minutes.";
const WRONG = "Wrong email, username or password.";

// Two people and several pages a test, axe on each.
test.describe.configure({ timeout: 120_000 });

async function signOut(page: Page) {
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

/** Signs in on /sign-in (hydrated) without waiting for where it leads. */
async function trySignIn(page: Page, login: string, password: string) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** From the sign-in page, "Forgot your password?" by keyboard, and asks for a link to `email`. */
async function askForResetLink(page: Page, email: string) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  // The link follows the password field.
  await page.getByLabel("Password").focus();
  await page.keyboard.press("Tab");
  const forgot = page.getByRole("link", { name: "Forgot your password?" });
  await expect(forgot).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/forgot-password$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forgot your password?");
  await expectNoAxeViolations(page);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("status")).toHaveText(NEUTRAL);
  await expectNoAxeViolations(page);
}

test("reset a password from the emailed link", async ({ page, browser, baseURL }) => {
  const account = await signUp(page, { prefix: "rosa", firstName: "Rosa", lastName: "Delgado" });
  await waitForHydration(page);
  await signOut(page);
  await askForResetLink(page, account.email);

  // The platform administrator reads the kept email and its link.
  const admin = await personAs(browser, baseURL, PLATFORM_ADMIN.login, PLATFORM_ADMIN.password);
  await openOutboxMessage(admin.page, account.email, RESET_SUBJECT);
  await expect(emailText(admin.page)).toContainText("Hi Rosa,");
  await expect(admin.page.locator(`iframe[title="${RESET_SUBJECT}: HTML version"]`)).toHaveCount(1);
  await expectNoAxeViolations(admin.page);
  const link = await linkInEmail(admin.page, "/reset-password/");
  await admin.context.close();

  // The visitor follows it.
  await page.goto(link);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose a new password");
  await expect(page).toHaveTitle("Choose a new password · Waypoint");
  await expectNoAxeViolations(page);

  // Too short: explained beside the field, nothing changed.
  const newPassword = page.getByRole("textbox", { name: "New password", exact: true });
  await newPassword.fill("too short");
  await page.getByRole("textbox", { name: "Confirm new password", exact: true }).fill("too short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(newPassword).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-new_password-error")).toContainText("at least 12 characters");
  await expect(page).toHaveURL(new RegExp(`${link.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  await expectNoAxeViolations(page);

  // A good one: every session ends and the browser is sent to sign in.
  const chosen = "harbour kettle meadow 77";
  await newPassword.fill(chosen);
  await page.getByRole("textbox", { name: "Confirm new password", exact: true }).fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=done$/);
  await waitForHydration(page);
  await expect(page.getByRole("status")).toContainText("Your password was changed");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The old password no longer works; the new one does.
  await trySignIn(page, account.username, account.password);
  await expect(page.getByRole("alert")).toHaveText(WRONG);
  await trySignIn(page, account.email, chosen);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rosa Delgado");

  // The link worked once.
  await page.goto(link);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link has expired or was already used");
  await expect(page.getByRole("textbox", { name: "New password", exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Get a new link" })).toHaveAttribute("href", "/forgot-password");
  await expectNoAxeViolations(page);
});

test("an address no account has gets the same answer, and no email", async ({ page, browser, baseURL }) => {
  const nobody = `${uniqueName("nobody")}@example.org`;
  await askForResetLink(page, nobody);

  const admin = await personAs(browser, baseURL, PLATFORM_ADMIN.login, PLATFORM_ADMIN.password);
  await admin.page.goto("/admin/outbox");
  await waitForHydration(admin.page);
  await expect(admin.page.getByRole("heading", { level: 1 })).toHaveText("Outbox");
  await expect(admin.page.getByRole("cell", { name: nobody, exact: true })).toHaveCount(0);
  await expectNoAxeViolations(admin.page);
  await admin.context.close();
});

test("a new account is reminded to confirm its address until it follows the emailed link", async ({ page, browser, baseURL }) => {
  const account = await signUp(page, { prefix: "tomas", firstName: "Tomas", lastName: "Novak" });
  await waitForHydration(page);
  const reminder = page.getByRole("region", { name: "Email confirmation" });
  await expect(reminder).toContainText("Please confirm your email address");
  await expect(reminder).toContainText(account.email);
  await expect(reminder.getByRole("button", { name: "Send the link again" })).toBeVisible();
  await expectNoAxeViolations(page);

  const admin = await personAs(browser, baseURL, PLATFORM_ADMIN.login, PLATFORM_ADMIN.password);
  await openOutboxMessage(admin.page, account.email, VERIFY_SUBJECT);
  await expect(emailText(admin.page)).toContainText("Hi Tomas,");
  await expectNoAxeViolations(admin.page);
  const link = await linkInEmail(admin.page, "/verify-email/");
  await admin.context.close();

  await page.goto(link);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Email address confirmed");
  await expect(page.getByRole("status")).toContainText(`Thanks: ${account.email} is confirmed.`);
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tomas Novak");
  await expect(page.getByRole("region", { name: "Email confirmation" })).toHaveCount(0);
  // Loaded afresh too.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tomas Novak");
  await expect(page.getByRole("region", { name: "Email confirmation" })).toHaveCount(0);
  await expectNoAxeViolations(page);
});
