import type { Browser, Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations } from "./support";

// Forms before hydration and without JavaScript: the browser posts the form itself. A refused
// submission must come back as the same page, the messages beside their fields and the values
// kept (passwords never), not as a raw JSON body. (axe-core needs JavaScript to run, so the
// accessibility check of the refused pages is the last test: JavaScript on, the WASM never
// arriving, which is also the "submitted before it loaded" case.)

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

async function withoutJavaScript(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

/** The field's own message (`aria-describedby` ties it to the input). */
function fieldError(page: Page, name: string) {
  return page.locator(`#field-${name}-error`);
}

/** Signs up as a new account from the sign-up page, the browser posting the form itself. */
async function signUpWithoutJavaScript(page: Page, username: string) {
  await page.goto("/sign-up");
  await page.getByLabel("First name").fill("Ines");
  await page.getByLabel("Last name").fill("Duarte");
  await page.getByLabel("Email").fill(`${username}@example.org`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("ribbon lantern orchard 42");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

test("sign-up refused without JavaScript: the messages beside their fields, the values kept", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser);
  const username = unique("nojs");
  await page.goto("/sign-up");
  await page.getByLabel("First name").fill("Ines");
  await page.getByLabel("Last name").fill("Duarte");
  await page.getByLabel("Email").fill("ines.example.org");
  await page.getByLabel("Username").fill("x");
  await page.getByLabel("Password").fill("ribbon lantern orchard 42");
  await page.getByRole("button", { name: "Create account" }).click();

  // The same page, not a JSON body.
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create your account");
  await expect(page.locator("body")).not.toContainText('{"Invalid"');
  await expect(fieldError(page, "email")).toHaveText("An email address needs an @, as in name@example.org.");
  await expect(fieldError(page, "email")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(fieldError(page, "username")).toHaveText("A username has 3 to 32 characters.");
  await expect(fieldError(page, "first_name")).toBeHidden();
  await expect(page.getByRole("alert")).toContainText("An email address needs an @");
  // What was typed is kept, except the password.
  await expect(page.getByLabel("First name")).toHaveValue("Ines");
  await expect(page.getByLabel("Last name")).toHaveValue("Duarte");
  await expect(page.getByLabel("Email")).toHaveValue("ines.example.org");
  await expect(page.getByLabel("Password")).toHaveValue("");

  // Corrected, it goes through, still without JavaScript.
  await page.getByLabel("Email").fill(`${username}@example.org`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("ribbon lantern orchard 42");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Ines");

  // A reload of the sign-up page afterwards shows a clean form: the message was shown once.
  await page.goto("/sign-up");
  await expect(fieldError(page, "email")).toBeHidden();
  await expect(page.getByLabel("Email")).toHaveValue("");
  await context.close();
});

test("sign-in refused without JavaScript: the message on the page, the identifier kept", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser);
  await page.goto("/sign-in");
  await page.getByLabel("Email or username").fill("noah");
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expect(page.getByRole("alert")).toHaveText("Wrong email, username or password.");
  await expect(page.getByLabel("Email or username")).toHaveValue("noah");
  await expect(page.getByLabel("Password")).toHaveValue("");

  await page.getByLabel("Password").fill("waypoint-student-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await context.close();
});

test("the profile editor refused without JavaScript keeps every value typed", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser);
  await signUpWithoutJavaScript(page, unique("nojsprofile"));
  await page.goto("/account/profile");
  await page.getByLabel("Headline").fill("Apprentice electrician, curious about renewables");
  await page.getByLabel("Current status").selectOption({ label: "Employed" });
  await page.getByLabel("Links").fill("ftp://example.org/me");
  await page.getByRole("button", { name: "Save profile" }).click();

  await expect(page).toHaveURL(/\/account\/profile$/);
  await expect(fieldError(page, "links")).toContainText("isn't a web link. Links start with https://");
  await expect(page.getByLabel("Links")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Headline")).toHaveValue("Apprentice electrician, curious about renewables");
  await expect(page.getByLabel("Links")).toHaveValue("ftp://example.org/me");
  await expect(page.getByLabel("Current status")).toHaveValue("employed");

  // Nothing was saved by the refused post.
  await page.goto("/account/profile");
  await expect(page.getByLabel("Headline")).toHaveValue("");

  // Fixed, it saves.
  await page.getByLabel("Headline").fill("Apprentice electrician, curious about renewables");
  await page.getByLabel("Links").fill("https://example.org/me");
  await page.getByRole("button", { name: "Save profile" }).click();
  // Back where the form was (Leptos leaves an empty query mark on the address it returns to).
  await expect(page).toHaveURL(/\/account\/profile\??$/);
  await page.goto("/account/profile");
  await expect(page.getByLabel("Headline")).toHaveValue("Apprentice electrician, curious about renewables");
  await expect(page.getByLabel("Links")).toHaveValue("https://example.org/me");
  await context.close();
});

test("an assessment page refused without JavaScript says which question, and keeps the valid answers", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser);
  await page.goto("/assessments/interest-profiler/take");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("O*NET Interest Profiler");
  // Answer the first two items, then send an answer no control offers for the first (what a
  // stale or tampered form would send): the server refuses that one and keeps the other.
  await page.locator("#q1-4").check();
  await page.locator("#q2-3").check();
  await page.route("**/api/assessment_save", async (route) => {
    const sent = route.request().postData() ?? "";
    const body = sent.replace("answers%5Bq1%5D=4", "answers%5Bq1%5D=9");
    expect(body, "the form sends the first answer as answers[q1]").not.toEqual(sent);
    await route.continue({ postData: body });
  });
  await page.getByRole("button", { name: "Next page" }).click();

  await expect(page).toHaveURL(/\/assessments\/interest-profiler\/take/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("O*NET Interest Profiler");
  await expect(page.locator("body")).not.toContainText('{"Invalid"');
  await expect(page.getByRole("alert").filter({ hasText: "Question 1: Choose one of the points." })).toBeVisible();
  await expect(page.locator("#q2-3")).toBeChecked();
  await expect(page.locator("#q1-4")).not.toBeChecked();
  await context.close();
});

test("the mentor search and a mentor's page work without JavaScript", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser);
  // The search is a plain GET form: the browser sends it and the server answers with the results.
  await page.goto("/mentors");
  await page.getByLabel("Search mentors").fill("nursing");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/\/mentors\?q=nursing/);
  await expect(page.getByLabel("Search mentors")).toHaveValue("nursing");
  const all = page.getByRole("region", { name: "All mentors" });
  await expect(all.getByRole("link", { name: "Amara Okafor" })).toBeVisible();
  await expect(all.getByRole("link", { name: "Diego Ramírez" })).toHaveCount(0);

  // A mentor's page: the free times and the structured data are in the HTML itself.
  await all.getByRole("link", { name: "Amara Okafor" }).click();
  await expect(page).toHaveURL(/\/mentors\/amara$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Amara Okafor");
  const book = page.getByRole("region", { name: "Book a time" });
  await expect(book.locator(".slot-day h3").first()).toBeVisible();
  await expect(book.locator(".slot-list li").first()).toHaveText(/^\d\d:\d\d/);
  await expect(book.getByRole("link", { name: "Sign in to book" })).toBeVisible();
  const person = (await page.locator('script[type="application/ld+json"]').allTextContents())
    .map((text) => JSON.parse(text))
    .find((value) => value["@type"] === "Person");
  expect(person, "a JSON-LD Person").toBeTruthy();
  expect(person.name).toBe("Amara Okafor");

  // The session type links and the time zone form are plain links and a GET form too.
  await book.getByLabel("Time zone", { exact: true }).selectOption("America/New_York");
  await book.getByRole("button", { name: "Show times" }).click();
  await expect(page).toHaveURL(/\/mentors\/amara\?.*tz=America%2FNew_York/);
  await expect(page.getByText("Times are shown in America/New_York")).toBeVisible();
  await expect(page.locator(".slot-list li .mentor-time").first()).toBeVisible();
  await context.close();
});

test("the refused forms' pages have no accessibility violations (submitted before the WASM loads)", async ({ browser }) => {
  const context = await browser.newContext();
  // The page's own scripts never arrive: the browser posts the forms itself, as on a slow phone.
  await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  const page = await context.newPage();

  await page.goto("/sign-in");
  await page.getByLabel("Email or username").fill("noah");
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email, username or password.");
  await expect(page.getByLabel("Email or username")).toHaveValue("noah");
  await expectNoAxeViolations(page);

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill("ines.example.org");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(fieldError(page, "email")).toHaveText("An email address needs an @, as in name@example.org.");
  await expect(fieldError(page, "username")).toBeVisible();
  await expectNoAxeViolations(page);

  await signUpWithoutJavaScript(page, unique("nowasm"));

  await page.goto("/account/profile");
  await page.getByLabel("Links").fill("ftp://example.org/me");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(fieldError(page, "links")).toContainText("isn't a web link");
  await expectNoAxeViolations(page);

  await page.goto("/account/mentor");
  await page.getByLabel("Years of experience").fill("-3");
  await page.getByRole("button", { name: "Send application" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  await expect(page.locator(".field-error:not([hidden])").first()).toBeVisible();
  await expectNoAxeViolations(page);
  await context.close();
});
