import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./support";

// Rounds of page visits on the release build, as a visitor and as a signed-in student, loading
// each page afresh and also moving between them by the site's own links. Every page must hydrate
// and stay free of console errors (the `test` from ./support fails on any). This caught the
// hydration panic on /account (tachys hydration.rs:195): on the server, RequireUser's children
// sometimes ran twice, first in an owner already disposed, so the resources made inside them
// were serialised twice under shifted ids and the browser hydrated the wrong ones. Pages now make
// their resources at the top, outside those children.
const ROUNDS = 3;

const publicPages = [
  "/",
  "/careers",
  "/careers?q=nurs&zone=3",
  "/careers/15-1252.00",
  "/careers/29-1141.00",
  "/assessments",
  "/assessments/interest-profiler",
  "/about",
  "/sign-in",
];

const studentPages = ["/account", "/careers/matches", "/assessments/interest-profiler/results", "/careers/15-1252.00"];

/** Loads each page afresh: it answers 200, hydrates and shows its heading. */
async function visitEach(page: Page, paths: string[], round: number) {
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response?.status(), `${path} in round ${round}`).toBe(200);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
}

test("every public page hydrates without an error, round after round", async ({ page }) => {
  test.setTimeout(120_000);
  for (let round = 1; round <= ROUNDS; round++) {
    await visitEach(page, publicPages, round);
    // Client-side navigation through the main menu, which only works on a live (hydrated) page.
    const main = page.getByRole("navigation", { name: "Main" });
    await main.getByRole("link", { name: "Careers" }).click();
    await expect(page).toHaveURL(/\/careers$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Careers");
    await main.getByRole("link", { name: "Assessments" }).click();
    await expect(page).toHaveURL(/\/assessments$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Career assessments");
  }
});

test("a signed-in student's pages hydrate without an error, round after round", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email or username").fill("sam");
  await page.getByLabel("Password").fill("waypoint-student-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sam Taylor");
  for (let round = 1; round <= ROUNDS; round++) {
    await visitEach(page, studentPages, round);
  }
  // The goal panel on a career page is interactive once hydrated (Sam has a goal, so another
  // career's page names it beside the button).
  await expect(page.getByRole("button", { name: "Make this my career goal" }).or(page.getByText("Your current goal")).first()).toBeVisible();
});
