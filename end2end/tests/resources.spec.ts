import type { Browser, Locator, Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, signInAs, uniqueName, waitForHydration, DEMO_PASSWORDS } from "./support";

// The resource library (issue 15): search by keyboard with live results, a resource's page,
// progress on it and the reading list, the pages without JavaScript (what crawlers get),
// "did you mean", the filters, and writing a resource with the live preview and a renamed
// address that answers 301. The starter library (data/resources/*.md) is in every database.

/** Presses Tab until `target` has the focus, as someone on a keyboard would; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 60) {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  expect(await target.evaluate((element) => element === document.activeElement), `focus reached by Tab within ${limit} presses`).toBe(true);
}

/** The result cards of a search. */
function cards(page: Page) {
  return page.locator(".resource-list > li.resource-card");
}

async function withoutJavaScript(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

test("search by keyboard with live results, open a resource, mark it completed and find it in the account", async ({ page }) => {
  await signInAs(page, "sam");
  await page.goto("/resources");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Resource library · Waypoint");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Resource library");
  await expectNoAxeViolations(page);

  // Tab to the search box and type: the results follow without Enter, the address kept in step.
  const searchBox = page.getByRole("searchbox", { name: "Search the library" });
  await tabTo(page, searchBox);
  await page.keyboard.type("cover letter");
  await expect(page).toHaveURL(/\/resources\?q=cover%20letter/);
  await expect(page.getByRole("heading", { level: 2, name: /^\d+ resources?/ })).toBeVisible();
  await expect(cards(page).getByRole("heading", { level: 3, name: /cover letter/i }).first()).toBeVisible();
  await expect(cards(page).locator(".resource-card__snippet mark").first()).toBeVisible();
  await expect(searchBox).toBeFocused();
  await expect(searchBox).toHaveValue("cover letter");
  await expectNoAxeViolations(page);

  // Enter submits the form as well, to the same search.
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/resources\?q=cover(%20|\+)letter/);
  await expect(cards(page).getByRole("heading", { level: 3, name: /cover letter/i }).first()).toBeVisible();
  await expect(searchBox).toHaveValue("cover letter");

  // Tab on to the first result and open it with Enter.
  const first = cards(page).first().getByRole("heading", { level: 3 }).getByRole("link");
  const title = ((await first.textContent()) ?? "").trim();
  const href = (await first.getAttribute("href")) ?? "";
  expect(href).toMatch(/^\/resources\/[a-z0-9-]+$/);
  await tabTo(page, first);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page).toHaveTitle(`${title} · Waypoint`);
  await expect(page.getByRole("heading", { level: 2, name: "Sources" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Your progress" })).toBeVisible();
  await expectNoAxeViolations(page);

  // Mark it completed from the keyboard: the button is pressed and the status line says so.
  const completed = page.getByRole("button", { name: "Completed", exact: true });
  await expect(completed).toHaveAttribute("aria-pressed", "false");
  await tabTo(page, completed);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Marked as completed." })).toBeVisible();
  await expect(completed).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "Not started", exact: true })).toHaveAttribute("aria-pressed", "false");
  await expectNoAxeViolations(page);

  // Back returns to the search results, the query in the box.
  await page.goBack();
  await expect(page).toHaveURL(/\/resources\?q=cover(%20|\+)letter/);
  await expect(searchBox).toHaveValue("cover letter");
  await expect(cards(page).getByRole("link", { name: title, exact: true })).toBeVisible();
  await expectNoAxeViolations(page);

  // The account's reading list has it under Completed.
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 2, name: "Your reading" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 3, name: "Completed" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Completed" }).getByRole("link", { name: title, exact: true })).toHaveAttribute("href", href);
  await expectNoAxeViolations(page);

  // The mark is kept: back on the resource's page (loaded afresh), Completed is still pressed.
  await page.goto(href);
  await waitForHydration(page);
  await expect(page.getByRole("button", { name: "Completed", exact: true })).toHaveAttribute("aria-pressed", "true");
});

test("without JavaScript: search results from the server, the GET form, and a resource page with its metadata", async ({ browser, baseURL }) => {
  const { context, page } = await withoutJavaScript(browser);

  await page.goto("/resources?q=interview");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Resource library");
  await expect(page.getByRole("heading", { level: 2, name: /^\d+ resources?/ })).toBeVisible();
  await expect(cards(page).first()).toBeVisible();
  await expect(cards(page).getByRole("link", { name: "Answer competency questions with the STAR method", exact: true })).toBeVisible();
  await expect(cards(page).locator(".resource-card__snippet mark").first()).toBeVisible();

  // The plain GET form: the browser submits it itself.
  await page.goto("/resources");
  await page.getByRole("searchbox", { name: "Search the library" }).fill("apprenticeship");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/resources\?q=apprenticeship/);
  await expect(page.getByRole("searchbox", { name: "Search the library" })).toHaveValue("apprenticeship");
  await expect(cards(page).first()).toBeVisible();
  await expect(cards(page).getByRole("heading", { level: 3, name: /apprentice/i }).first()).toBeVisible();

  // A resource's page: everything a crawler reads is in the HTML.
  const response = await page.goto("/resources/star-method-for-interview-answers");
  expect(response?.status()).toBe(200);
  const title = "Answer competency questions with the STAR method";
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page).toHaveTitle(`${title} · Waypoint`);
  const description = await page.locator('meta[name="description"]').getAttribute("content");
  expect(description?.length ?? 0).toBeGreaterThan(20);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", `${baseURL}/resources/star-method-for-interview-answers`);
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "article");
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", `${title} · Waypoint`);
  await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", `${baseURL}/resources/star-method-for-interview-answers`);
  await expect(page.getByRole("heading", { level: 2, name: "Sources" })).toBeVisible();
  const article = await jsonLdOfType(page, "Article");
  expect(article.headline ?? article.name).toBe(title);
  expect(article.description).toBe(description);

  // Its type decides the schema.org type: a template is a DigitalDocument.
  await page.goto("/resources/cover-letter-template");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fill-in cover letter template with prompts");
  await jsonLdOfType(page, "DigitalDocument");
  await context.close();
});

/** The JSON-LD scripts on the page, each parsed (a parse error fails the test); the one of `type`. */
async function jsonLdOfType(page: Page, type: string) {
  const scripts = await page.locator('script[type="application/ld+json"]').allTextContents();
  expect(scripts.length).toBeGreaterThan(0);
  const parsed = scripts.map((text) => JSON.parse(text));
  const found = parsed.find((value) => value["@type"] === type);
  expect(found, `JSON-LD of @type ${type} among ${JSON.stringify(parsed.map((value) => value["@type"]))}`).toBeDefined();
  expect(found["@context"]).toMatch(/schema\.org/);
  return found;
}

test("a misspelt search offers \"did you mean\", and following it finds results", async ({ page }) => {
  await page.goto("/resources?q=intervew");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 2, name: "No resources match" })).toBeVisible();
  const suggestion = page.locator(".suggestion");
  await expect(suggestion).toContainText("Did you mean");
  const link = suggestion.getByRole("link", { name: /interview/ });
  await expect(link).toBeVisible();
  await expectNoAxeViolations(page);

  await link.click();
  await expect(page).toHaveURL(/\/resources\?q=interview/);
  await expect(page.getByRole("heading", { level: 2, name: /^\d+ resources?/ })).toBeVisible();
  await expect(cards(page).first()).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Search the library" })).toHaveValue(/interview/);
  await expectNoAxeViolations(page);
});

test("the Type filter narrows the results to templates", async ({ page }) => {
  await page.goto("/resources");
  await waitForHydration(page);
  await page.getByLabel("Type").selectOption("template");
  await expect(page).toHaveURL(/\/resources\?type=template$/);
  await expect(page.getByRole("heading", { level: 2, name: /^\d+ resources?$/ })).toBeVisible();
  await expect(cards(page).getByRole("link", { name: "Fill-in cover letter template with prompts", exact: true })).toBeVisible();
  const metas = await cards(page).locator(".career-card__meta").allTextContents();
  expect(metas.length).toBeGreaterThan(0);
  for (const meta of metas) expect(meta).toContain("Template");
  await expect(page.getByLabel("Type")).toHaveValue("template");
  await expectNoAxeViolations(page);

  // Back to any type: the whole library again.
  await page.getByLabel("Type").selectOption("");
  await expect(page).toHaveURL(/\/resources$/);
  await expect(page.getByRole("heading", { level: 2, name: /^\d+ resources/ })).toBeVisible();
  expect(await cards(page).count()).toBeGreaterThan(metas.length);
});

test("a mentor writes a resource with a live preview, publishes it, and renames its address", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await signInAs(page, "amara", DEMO_PASSWORDS.mentor);
  await page.goto("/resources/manage");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your resources");
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Write a new resource" }).click();
  await expect(page).toHaveURL(/\/resources\/manage\/new$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Write a new resource");
  await expectNoAxeViolations(page);

  const name = uniqueName("ward");
  const title = `Night shifts on a hospital ward ${name}`;
  const slug = `night-shifts-${name}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Address").fill(slug);
  await page.getByLabel("Summary").fill("What a first run of night shifts on a ward is like, and how to sleep, eat and hand over well.");
  await page.getByLabel("Type").selectOption("guide");
  await page.getByLabel("Level").selectOption("beginner");
  await page.getByLabel("Status").selectOption("published");
  await page.getByLabel("Minutes").fill("8");
  await page.getByLabel("Tags").fill("nursing, first-job");
  await page.getByLabel("Sources").fill("NHS Employers: Night working | https://www.nhsemployers.org/");
  await page
    .getByLabel("Content")
    .fill("## Before the first night\n\nSleep in the afternoon and eat a **proper meal** before you go in.\n\n<script>alert(1)</script>\n\n- Hand over in writing\n");

  // The live preview: the server's rendering, the bold kept and the script gone.
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.locator("strong")).toHaveText("proper meal");
  await expect(preview.getByRole("heading", { level: 2, name: "Before the first night" })).toBeVisible();
  await expect(preview.locator("script")).toHaveCount(0);
  await expect(preview).not.toContainText("alert(1)");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page).toHaveURL(/\/resources\/manage\/[0-9a-f-]{36}$/);
  const editor = page.url();
  await expectNoAxeViolations(page);

  // Its page: the Markdown rendered, nothing of the script.
  await page.getByRole("link", { name: "View the page" }).click();
  await expect(page).toHaveURL(new RegExp(`/resources/${slug}$`));
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator(".resource-content strong")).toHaveText("proper meal");
  await expect(page.locator(".resource-content script")).toHaveCount(0);
  await expect(page.locator(".resource-content")).not.toContainText("alert(1)");
  await expect(page.getByRole("heading", { level: 2, name: "Sources" })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(dialogs).toEqual([]);

  // A new address: the old one answers 301 to it.
  const renamed = `${slug}-renamed`;
  await page.goto(editor);
  await waitForHydration(page);
  await expect(page.getByLabel("Address")).toHaveValue(slug);
  await page.getByLabel("Address").fill(renamed);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  const old = await page.request.get(`/resources/${slug}`, { maxRedirects: 0 });
  expect(old.status()).toBe(301);
  expect(old.headers()["location"]).toBe(`/resources/${renamed}`);

  await page.goto(`/resources/${slug}`);
  await expect(page).toHaveURL(new RegExp(`/resources/${renamed}$`));
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", new RegExp(`/resources/${renamed}$`));
  await expectNoAxeViolations(page);

  // On the manage page, listed as published.
  await page.goto("/resources/manage");
  await waitForHydration(page);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: title, exact: true }) });
  await expect(row.getByText("Published", { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(dialogs).toEqual([]);
});
