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
        if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
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
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
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
