import { test, expect, expectNoAxeViolations, signUp, waitForHydration } from "./support";

// Issue 17 end to end: a visitor reads what roadmaps are; a new student chooses a goal on a
// career's page, generates a roadmap towards it, moves a step by keyboard, completes one and sees
// the progress chart's text follow, prints it, shares it read-only and turns the link off again.

const NURSES = "/careers/29-1141.00";

/** A step's button: its visible words, then the step's title (from a visually hidden ": title"). */
function stepButton(words: string, title: string) {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${words}\\s*:\\s*${escaped}$`);
}

test("/roadmap is a public page for visitors, with meta, structured data and a way in", async ({ page }) => {
  const response = await page.goto("/roadmap");
  expect(response?.status()).toBe(200);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your career roadmap");
  await expect(page).toHaveTitle("Career roadmaps · Waypoint");
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", /\/roadmap$/);
  const description = await page.locator('meta[name="description"]').getAttribute("content");
  expect(description?.length ?? 0).toBeGreaterThan(50);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Career roadmaps · Waypoint");
  const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
  expect(jsonLd["@type"]).toBe("HowTo");
  expect(jsonLd.step.length).toBeGreaterThan(2);
  await expect(page.getByRole("heading", { level: 2, name: "What your roadmap is built from" })).toBeVisible();
  await expect(page.getByText("O*NET job zone", { exact: true })).toBeVisible();
  await expect(page.getByText("BLS entry requirements", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in to see your roadmaps" })).toHaveAttribute("href", "/sign-in?next=/roadmap");
  await expect(page.getByRole("link", { name: "Create a free account" }).first()).toHaveAttribute("href", "/sign-up?next=/roadmap");
  await expectNoAxeViolations(page);
});

test("a student generates a roadmap, reorders a step by keyboard, completes it, prints and shares it", async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  await signUp(page, { prefix: "rosa", firstName: "Rosa", lastName: "Diaz" });

  // The profile's education is one of the generator's inputs.
  await page.goto("/account/profile");
  await waitForHydration(page);
  await page.getByLabel("Education").selectOption("bachelor");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();

  // Without a goal, /roadmap says where to choose one.
  await page.goto("/roadmap");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your roadmaps");
  await expect(page.getByText("you haven't chosen one yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "browse all careers" })).toHaveAttribute("href", "/careers");

  // Choose the goal on the career's page.
  await page.goto(NURSES);
  await waitForHydration(page);
  await page.getByRole("button", { name: /Make this my (career )?goal/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your current goal" })).toBeVisible();

  // The generate form says what it will use and what the plan keeps.
  await page.goto("/roadmap");
  await waitForHydration(page);
  await expect(page.getByText("Your profile: Bachelor's degree.")).toBeVisible();
  await expect(page.getByText("Interest Profiler: not taken.")).toBeVisible();
  await expect(page.getByText("Your Free plan keeps 1 roadmap at a time (0 in use).")).toBeVisible();
  await expect(page.getByLabel("How long you give yourself")).toHaveValue("12");
  await expectNoAxeViolations(page);
  await page.getByLabel("How long you give yourself").selectOption("6");
  await page.getByRole("button", { name: "Make my roadmap" }).click();
  await expect(page).toHaveURL(/\/roadmap\/[0-9a-f-]{36}$/);
  const roadmapPath = new URL(page.url()).pathname;
  await waitForHydration(page);

  // The roadmap: private, explained, its steps in order.
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
  const title = ((await page.getByRole("heading", { level: 1 }).textContent()) ?? "").trim();
  expect(title.length).toBeGreaterThan(3);
  await expect(page).toHaveTitle(`${title} · Waypoint`);
  await expect(page.getByRole("link", { name: "Registered Nurses" }).first()).toHaveAttribute("href", NURSES);
  await expect(page.getByText("Over 6 months.")).toBeVisible();
  await page.getByText("How this roadmap was made").click();
  await expect(page.locator(".roadmap-explanation li").first()).toBeVisible();
  const stepTitles = page.locator("ol.roadmap-steps > li h3");
  const titles = (await stepTitles.allTextContents()).map((t) => t.trim());
  const count = titles.length;
  expect(count).toBeGreaterThan(2);
  await expect(page.getByText(`0 of ${count} steps done (0%)`)).toBeVisible();
  await expect(page.locator("ol.roadmap-steps > li").first().getByText("Why this step:")).toBeVisible();
  // The first step can't move up; the last can't move down.
  await expect(page.getByRole("button", { name: stepButton("Move up", titles[0]) })).toHaveCount(0);
  await expect(page.getByRole("button", { name: stepButton("Move down", titles[count - 1]) })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Move the first step down by keyboard: the order changes and the focus stays on its button.
  const down = page.getByRole("button", { name: stepButton("Move down", titles[0]) });
  await down.focus();
  await page.keyboard.press("Enter");
  await expect(stepTitles.nth(0)).toHaveText(titles[1]);
  await expect(stepTitles.nth(1)).toHaveText(titles[0]);
  await expect(page.getByRole("button", { name: stepButton("Move down", titles[0]) })).toBeFocused();
  // It stays moved after a reload.
  await page.reload();
  await waitForHydration(page);
  await expect(stepTitles.nth(0)).toHaveText(titles[1]);
  await expect(stepTitles.nth(1)).toHaveText(titles[0]);

  // The progress chart's text before and after a step is done.
  await page.goto("/progress");
  await waitForHydration(page);
  await expect(page.getByText(`${title}: 0 of ${count} steps done (0%)`).first()).toBeVisible();
  await page.goto(roadmapPath);
  await waitForHydration(page);
  const moved = page.locator("ol.roadmap-steps > li").filter({ has: page.getByRole("heading", { level: 3, name: titles[0], exact: true }) });
  await moved.getByRole("button", { name: stepButton("Mark done", titles[0]) }).click();
  await expect(moved.getByText("Status: Done")).toBeVisible();
  await expect(page.getByText(`1 of ${count} steps done`)).toBeVisible();
  await page.goto("/progress");
  await waitForHydration(page);
  await expect(page.getByText(`${title}: 1 of ${count} steps done`).first()).toBeVisible();

  // The roadmaps list shows it with its completion.
  await page.goto("/roadmap");
  await waitForHydration(page);
  await expect(page.getByRole("link", { name: title, exact: true })).toHaveAttribute("href", roadmapPath);
  await expect(page.getByText("Your Free plan keeps 1 roadmap at a time (1 in use).")).toBeVisible();
  await expectNoAxeViolations(page);

  // The print view: boxes to tick, no controls.
  await page.goto(`${roadmapPath}/print`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
  await expect(page.locator(".roadmap-print__mark", { hasText: "☑" })).toHaveCount(1);
  await expect(page.locator("main button")).toHaveCount(0);
  await expectNoAxeViolations(page);

  // A share link, opened by someone without an account: read-only, not indexed, no name.
  await page.goto(roadmapPath);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Make a share link" }).click();
  const link = page.getByLabel("Your share link");
  await expect(link).toHaveValue(/\/roadmap\/shared\/[A-Za-z0-9_-]{43}$/);
  const shared = new URL(await link.inputValue()).pathname;
  const visitor = await browser.newContext({ baseURL });
  const reader = await visitor.newPage();
  const opened = await reader.goto(shared);
  expect(opened?.status()).toBe(200);
  await waitForHydration(reader);
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(reader.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(reader.locator("ol.roadmap-steps > li h3").nth(0)).toHaveText(titles[1]);
  await expect(reader.getByRole("button", { name: /Move|Mark done/ })).toHaveCount(0);
  await expect(reader.getByText("Rosa")).toHaveCount(0);
  await expectNoAxeViolations(reader);

  // Turned off, the link answers 404.
  await page.getByRole("button", { name: "Turn off the share link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Share link turned off." })).toBeVisible();
  const gone = await reader.goto(shared);
  expect(gone?.status()).toBe(404);
  await expect(reader.getByRole("heading", { level: 1 })).toHaveText("This share link doesn't open a roadmap");
  await visitor.close();
});

test("an unknown roadmap answers 404", async ({ page }) => {
  await signUp(page, { prefix: "lost", firstName: "Lee", lastName: "Ng" });
  const response = await page.goto("/roadmap/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that roadmap");
});
