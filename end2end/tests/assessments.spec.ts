import type { Page } from "@playwright/test";
import { test, expect, collectPageErrors, expectNoAxeViolations, waitForHydration } from "./support";

// The Short Form's items run R, R, I, I, A, A, S, S, E, E, C, C and repeat every 12.
const AREAS = ["R", "I", "A", "S", "E", "C"];
function areaOf(position: number) {
  return AREAS[Math.floor(((position - 1) % 12) / 2)];
}
// Strongly Like (4) Social, Like (3) Investigative, Unsure (2) Artistic, Dislike (1)
// Enterprising, Strongly Dislike (0) Realistic and Conventional: scores S40 I30 A20 E10 R0 C0.
const PATTERN: Record<string, number> = { R: 0, I: 3, A: 2, S: 4, E: 1, C: 0 };

function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

async function answer(page: Page, position: number) {
  await page.locator(`#q${position}-${PATTERN[areaOf(position)]}`).check();
}

async function expectSaved(page: Page) {
  await expect(page.getByRole("status").filter({ hasText: "All answers so far are saved." })).toBeVisible();
}

test("take the Interest Profiler anonymously, resume after a reload, see results and matches, sign up and find them", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);

  await page.goto("/assessments");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Career assessments · Waypoint");
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "O*NET Interest Profiler" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("O*NET Interest Profiler");
  await expect(page.getByText("O*NET Interest Profiler(TM) Short Form. Copyright U.S. Department of Labor")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Start" }).click();

  // Page 1: the first item by keyboard alone (arrow keys move through a radio group).
  await expect(page).toHaveURL(/\/assessments\/interest-profiler\/take/);
  await waitForHydration(page);
  await expect(page.getByText("0 of 60 answered · page 1 of 5")).toBeVisible();
  await expectNoAxeViolations(page);
  const first = page.getByRole("group", { name: "1. Build kitchen cabinets" });
  await first.getByRole("radio", { name: "Strongly Dislike" }).focus();
  await page.keyboard.press("Space");
  await expect(first.getByRole("radio", { name: "Strongly Dislike" })).toBeChecked();
  for (let position = 2; position <= 12; position++) await answer(page, position);
  await expectSaved(page);
  await expect(page.getByText("12 of 60 answered")).toBeVisible();
  await page.getByRole("button", { name: "Next page" }).click();

  // Page 2: answer half, then move on too early: the rest are pointed out, not skipped.
  await expect(page.getByText("page 2 of 5")).toBeVisible();
  for (let position = 13; position <= 18; position++) await answer(page, position);
  await expectSaved(page);
  await page.getByRole("button", { name: "Next page" }).click();
  const alert = page.locator("#unanswered");
  await expect(alert).toContainText("6 questions on this page need an answer:");
  await expect(alert.getByRole("link", { name: "Question 19" })).toBeVisible();
  await expect(page.locator("#q19")).toHaveClass(/missing/);
  await expectNoAxeViolations(page);

  // A reload (or a crash) loses nothing: the attempt resumes on page 2 with its answers.
  await page.goto("/assessments/interest-profiler/take");
  await waitForHydration(page);
  await expect(page.getByText("18 of 60 answered · page 2 of 5")).toBeVisible();
  await expect(page.locator("#q13-0")).toBeChecked();
  await expect(page.locator("#q16-3")).toBeChecked();
  for (let position = 19; position <= 24; position++) await answer(page, position);
  await expectSaved(page);
  await page.getByRole("button", { name: "Next page" }).click();

  for (const pageNumber of [3, 4, 5]) {
    await expect(page.getByText(`page ${pageNumber} of 5`)).toBeVisible();
    const from = (pageNumber - 1) * 12 + 1;
    for (let position = from; position < from + 12; position++) await answer(page, position);
    await expectSaved(page);
    if (pageNumber < 5) await page.getByRole("button", { name: "Next page" }).click();
  }
  await expect(page.getByText("60 of 60 answered")).toBeVisible();
  await page.getByRole("button", { name: "Finish and see results" }).click();

  // Results: the server-rendered chart, the code, what the areas mean.
  await expect(page).toHaveURL(/\/assessments\/interest-profiler\/results$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your results: O*NET Interest Profiler");
  await expect(page.locator(".code")).toHaveText("SIA");
  const chart = page.getByRole("img", { name: "Your O*NET Interest Profiler scores" });
  await expect(chart).toBeVisible();
  await expect(chart.locator("desc")).toHaveText(
    "Realistic: 0 of 40; Investigative: 30 of 40; Artistic: 20 of 40; Social: 40 of 40; Enterprising: 10 of 40; Conventional: 0 of 40",
  );
  await expect(page.getByRole("row", { name: /Social 40/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Social (S): 40" })).toBeVisible();
  await expect(page.getByText("These results are kept in this browser for now.")).toBeVisible();
  await expectNoAxeViolations(page);

  // The chart is in the HTML itself, readable without JavaScript.
  const html = await (await page.request.get("/assessments/interest-profiler/results")).text();
  expect(html).toContain("Social: 40 of 40");

  // Matches for this profile.
  await page.getByRole("link", { name: "See the careers that match your interests" }).click();
  await expect(page).toHaveURL(/\/careers\/matches/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: /Best fit \(\d+\)/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // Signing up keeps the result.
  await page.goto("/assessments/interest-profiler/results");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Create a free account" }).click();
  await waitForHydration(page);
  const username = unique("riasec");
  await page.getByLabel("First name").fill("Rosa");
  await page.getByLabel("Last name").fill("Sanchez");
  await page.getByLabel("Email").fill(`${username}@example.org`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("a lighthouse keeper at dawn");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/assessments\/interest-profiler\/results$/);
  await expect(page.locator(".code")).toHaveText("SIA");
  await expect(page.getByText("These results are kept in this browser for now.")).toHaveCount(0);

  await page.goto("/account");
  await waitForHydration(page);
  const results = page.getByRole("region", { name: "Your assessment results" });
  await expect(results.getByRole("link", { name: "O*NET Interest Profiler: SIA" })).toBeVisible();
  await expectNoAxeViolations(page);
  await results.getByRole("link", { name: "O*NET Interest Profiler: SIA" }).click();
  await expect(page.locator(".code")).toHaveText("SIA");
  await expect(page.getByText("This is your first result.")).toBeVisible();

  expect(errors.filter((e) => !e.includes(" 422 ") && !e.includes("/api/assessment_save"))).toEqual([]);
});

test("an administrator writes, previews and publishes an assessment; a student takes it", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext({ baseURL })).newPage();
  await admin.goto("/sign-in");
  await waitForHydration(admin);
  await admin.getByLabel("Email or username").fill("riverside-admin");
  await admin.getByLabel("Password").fill("waypoint-orgadmin-demo");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();

  await admin.goto("/admin/assessments");
  await waitForHydration(admin);
  await expect(admin.getByRole("cell", { name: "Built in" }).first()).toBeVisible();
  await expectNoAxeViolations(admin);
  await admin.getByRole("link", { name: "New assessment" }).click();
  await waitForHydration(admin);
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("New assessment");
  await expect(admin.getByText("Looks good: 7 questions measuring Working with people, Security.")).toBeVisible();
  await expect(admin.getByRole("group", { name: "1. I enjoy working closely with a team." })).toBeVisible();
  await expectNoAxeViolations(admin);

  // A broken definition is refused with where and why, live and on save.
  const editor = admin.getByLabel("Definition");
  const template = await editor.inputValue();
  const slug = unique("values");
  const broken = template.replace('"slug": "work-values"', `"slug": "${slug}"`).replace('"weights": { "people": 1 } },', '"weights": { "money": 1 } },');
  await editor.fill(broken);
  await expect(admin.getByText(/Question 1 \(Likert, "I enjoy working closely with a team\."\): the weight on "money" names no dimension/)).toBeVisible();
  await admin.getByRole("button", { name: "Save draft" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "names no dimension" })).toBeVisible();

  const title = `Values ${slug}`;
  await editor.fill(template.replace('"slug": "work-values"', `"slug": "${slug}"`).replace("What matters to you at work", title));
  await admin.getByRole("button", { name: "Save draft" }).click();
  await expect(admin).toHaveURL(/\/admin\/assessments\/[0-9a-f-]{36}$/);
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Draft: version 1");
  await admin.getByRole("button", { name: "Publish this draft" }).click();
  await expect(admin).toHaveURL(new RegExp(`/assessments/${slug}$`));
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText(title);

  // A student of the organization takes it.
  const student = await (await browser.newContext({ baseURL })).newPage();
  await student.goto("/sign-in");
  await waitForHydration(student);
  await student.getByLabel("Email or username").fill("sam");
  await student.getByLabel("Password").fill("waypoint-student-demo");
  await student.getByRole("button", { name: "Sign in" }).click();
  await expect(student.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();
  await student.goto(`/assessments/${slug}/take`);
  await waitForHydration(student);
  await expectNoAxeViolations(student);
  await student.getByRole("group", { name: /1\. I enjoy working/ }).getByRole("radio", { name: "Agree", exact: true }).check();
  await student.getByRole("group", { name: /2\. I would rather work alone/ }).getByRole("radio", { name: "Disagree", exact: true }).check();
  await student.getByRole("group", { name: /3\. Which job offer/ }).getByRole("radio", { name: /lively team/ }).check();
  const picks = student.getByRole("group", { name: /4\. Which of these/ });
  await picks.getByRole("checkbox", { name: "Mentoring a new colleague" }).check();
  await picks.getByRole("checkbox", { name: "Planning a team event" }).check();
  await student.getByRole("group", { name: /5\. How important/ }).getByRole("radio", { name: "2", exact: true }).check();
  const ranking = student.getByRole("group", { name: /6\. Rank these/ });
  await ranking.getByLabel("A team I like").selectOption("1");
  await ranking.getByLabel("Room to grow").selectOption("2");
  await ranking.getByLabel("Steady pay").selectOption("3");
  await expectSaved(student);
  await student.getByRole("button", { name: "Finish and see results" }).click();
  await expect(student).toHaveURL(new RegExp(`/assessments/${slug}/results/[0-9a-f-]{36}$`));
  // people: 3 + 3 (reversed) + 2 + 2 + 2 (ranked first of three) = 12 of 12 → 100; security: 1 + 0 → low.
  await expect(student.locator(".code")).toHaveText("people");
  await expect(student.getByRole("row", { name: /Working with people 100 \(High\)/ })).toBeVisible();
  await expectNoAxeViolations(student);
});
