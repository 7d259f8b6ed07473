import type { Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// Accounts from the demo data (README lists them).
const ORG_ADMIN = { login: "riverside-admin", password: "waypoint-orgadmin-demo" };
const STUDENT = { login: "noah", password: "waypoint-student-demo" };

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

async function signIn(page: Page, login: string, password: string) {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("sign up, edit the profile, sign out and sign in again", async ({ page }) => {
  const errors = collectPageErrors(page);
  const username = unique("ada");
  const email = `${username}@example.org`;
  const password = "tea at the lighthouse at six";

  await page.goto("/sign-up");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Create an account · Waypoint");
  await expectNoAxeViolations(page);
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Lovelace");
  await expect(page.getByRole("banner").getByRole("link", { name: "Ada" })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Edit profile" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Edit your profile");
  await expectNoAxeViolations(page);
  await page.getByLabel("Headline").fill("Maths student exploring data careers");
  await page.getByLabel("Education").selectOption("bachelor");
  await page.getByLabel("Time zone").selectOption("Europe/London");
  await page.getByLabel("Interests").fill("statistics, teaching, statistics");
  await page.getByLabel("Links").fill("https://example.org/ada");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();

  await page.goto("/account");
  await expect(page.getByText("Maths student exploring data careers")).toBeVisible();
  await expect(page.getByText("Europe/London")).toBeVisible();
  await expect(page.getByText("Bachelor's degree")).toBeVisible();
  // De-duplicated on save.
  await expect(page.locator(".tag-list li")).toHaveText(["statistics", "teaching"]);

  await waitForHydration(page);
  await signOut(page);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=\/account$/);

  // Signing in by email in another case works and returns to the page asked for.
  await page.getByLabel("Email or username").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Lovelace");
  expect(errors.filter((e) => !e.includes("/api/"))).toEqual([]);
});

test("the sign-up form explains a weak password before sending and a taken email after", async ({ page }) => {
  await page.goto("/sign-up");
  await waitForHydration(page);
  const password = page.getByLabel("Password");
  await password.fill("short");
  await password.blur();
  await expect(page.getByText("Use at least 12 characters (5 so far)")).toBeVisible();
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await password.fill("password12345");
  await password.blur();
  await expect(page.getByText("That password is too common or easy to guess")).toBeVisible();

  // The demo student sam.taylor@riverside.test exists; the same email in capitals is taken.
  await page.getByLabel("First name").fill("Sam");
  await page.getByLabel("Last name").fill("Again");
  await page.getByLabel("Email").fill("SAM.TAYLOR@Riverside.TEST");
  await page.getByLabel("Username").fill(unique("sam"));
  await password.fill("a different long passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toContainText("That email is already registered.");
  await expect(page).toHaveURL(/\/sign-up/);
  await expectNoAxeViolations(page);
});

test("a wrong password is refused without saying which part was wrong", async ({ page }) => {
  await signIn(page, "mei", "not her password at all");
  await expect(page.getByRole("alert")).toHaveText("Wrong email, username or password.");
  await signIn(page, "nobody-by-this-name", "not her password at all");
  await expect(page.getByRole("alert")).toHaveText("Wrong email, username or password.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expectNoAxeViolations(page);
});

test("repeated failures are throttled with a readable wait", async ({ page }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").fill("priya");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel("Password").fill(`wrong guess number ${attempt}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong email, username or password.");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  // Even the right password waits now.
  await page.getByLabel("Password").fill("waypoint-student-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Too many attempts\. Please try again in 1[45] minutes\./);
});

test("a protected page redirects to sign-in and comes back after it", async ({ page, request }) => {
  // Without JavaScript: a real redirect.
  const response = await request.get("/account/security", { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(response.status()).toBe(302);
  expect(response.headers()["location"]).toBe("/sign-in?next=/account/security");

  await page.goto("/account/security");
  await expect(page).toHaveURL(/\/sign-in\?next=\/account\/security$/);
  await waitForHydration(page);
  await expect(page.getByText("Please sign in to continue.")).toBeVisible();
  await page.getByLabel("Email or username").fill(STUDENT.login);
  await page.getByLabel("Password").fill(STUDENT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in and security");
  await expectNoAxeViolations(page);
  await page.goto("/account/data");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your data");
  await expectNoAxeViolations(page);
  const download = await page.request.get("/account/export.json");
  expect(download.status()).toBe(200);
  const data = await download.json();
  expect(data.account.username).toBe("noah");
  expect(data.format).toBe("waypoint-export/1");
});

test("signing in works by keyboard alone", async ({ page }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").focus();
  await page.keyboard.type(STUDENT.login);
  await page.keyboard.press("Tab");
  await page.keyboard.type(STUDENT.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Noah Williams");
});

test("a student applies to mentor and the organization admin approves", async ({ browser, baseURL }) => {
  const student = await (await browser.newContext({ baseURL })).newPage();
  const username = unique("lee");
  await student.goto("/sign-up");
  await waitForHydration(student);
  await student.getByLabel("First name").fill("Lee");
  await student.getByLabel("Last name").fill("Park");
  await student.getByLabel("Email").fill(`${username}@example.org`);
  await student.getByLabel("Username").fill(username);
  await student.getByLabel("Password").fill("quiet harbour morning walk");
  await student.getByLabel("Invite code (optional)").fill("riverside-2026");
  await student.getByRole("button", { name: "Create account" }).click();
  await expect(student).toHaveURL(/\/account$/);
  await expect(student.getByText("Riverside Career Centre")).toBeVisible();

  await student.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Become a mentor" }).click();
  await expect(student.getByRole("heading", { level: 1 })).toHaveText("Become a mentor");
  await expectNoAxeViolations(student);
  await student.getByLabel("Areas of expertise").fill("data analysis, interview practice");
  await student.getByLabel("Years of experience").fill("4");
  await student.getByLabel("Your experience").fill("Four years as a data analyst in local government; I run mock interviews.");
  await student.getByLabel("Intended hourly rate").fill("25");
  await student.getByRole("button", { name: "Send application" }).click();
  await expect(student.getByText("Waiting for a decision")).toBeVisible();

  const admin = await (await browser.newContext({ baseURL })).newPage();
  await signIn(admin, ORG_ADMIN.login, ORG_ADMIN.password);
  await expect(admin).toHaveURL(/\/account$/);
  await admin.goto("/admin/applications");
  await waitForHydration(admin);
  await expect(admin.getByRole("heading", { name: "Lee Park" })).toBeVisible();
  await expectNoAxeViolations(admin);
  // The demo data has Priya's application waiting too; decide Lee's.
  const card = admin.getByRole("listitem").filter({ has: admin.getByRole("heading", { name: "Lee Park" }) });
  await card.getByLabel("Approve: make them a mentor").check();
  await card.getByLabel("Note to the applicant (optional)").fill("Welcome aboard!");
  await card.getByRole("button", { name: "Record decision" }).click();
  await expect(admin.getByText("Decision recorded and the applicant notified.")).toBeVisible();

  // The users list finds Lee by a name prefix, now a mentor.
  await admin.goto("/admin");
  await waitForHydration(admin);
  await admin.getByLabel("Name").fill("pa");
  await admin.getByRole("button", { name: "Search" }).click();
  await expect(admin).toHaveURL(/q=pa/);
  const row = admin.getByRole("row").filter({ hasText: "Lee Park" });
  await expect(row).toBeVisible();
  await expect(row.getByRole("combobox")).toHaveValue("mentor");
  await expectNoAxeViolations(admin);

  // The audit view shows the role change.
  await admin.goto("/admin/audit?table=users");
  await expect(admin.getByRole("row").filter({ hasText: "role: student → mentor" }).first()).toBeVisible();
  await expectNoAxeViolations(admin);

  await student.reload();
  await expect(student.getByText("Approved")).toBeVisible();
  await expect(student.getByText("Your account is a mentor account")).toBeVisible();
});

test("students are kept out of the admin area", async ({ page }) => {
  await signIn(page, STUDENT.login, STUDENT.password);
  await expect(page).toHaveURL(/\/account$/);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Administrators only");
  await expect(page.getByRole("banner").getByRole("link", { name: "Admin" })).toHaveCount(0);
});
