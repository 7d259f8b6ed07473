import { defineConfig } from "@playwright/test";

// The server is the release build that `make run` serves (`make release`, run by `make test`
// first), started here on its own port with a fresh embedded database under .data/e2e, so the
// suite tests what users get and never touches `make run`'s data.
const port = process.env.WAYPOINT_E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "../target/release/server",
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGINT", timeout: 10_000 },
    env: {
      LEPTOS_OUTPUT_NAME: "waypoint",
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_RELOAD_PORT: "3101",
      WAYPOINT_DATA_DIR: process.env.WAYPOINT_E2E_DATA_DIR ?? "../.data/e2e",
      WAYPOINT_PUBLIC_URL: baseURL,
      RUST_LOG: process.env.RUST_LOG ?? "warn",
    },
  },
});
