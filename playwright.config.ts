import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3510);
export const E2E_URL = `http://127.0.0.1:${PORT}`;
// Ports can be moved (E2E_PORT, E2E_MAIL_SMTP_PORT, E2E_MAIL_HTTP_PORT) so two checkouts can run the suite at once.
const MAIL_SMTP_PORT = Number(process.env.E2E_MAIL_SMTP_PORT ?? 3526);
const MAIL_HTTP_PORT = Number(process.env.E2E_MAIL_HTTP_PORT ?? 3527);
export const MAIL_HTTP_URL = `http://127.0.0.1:${MAIL_HTTP_PORT}`;
// Debian's Chromium where it exists (this machine, CI); Playwright's own browser elsewhere.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: E2E_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
    permissions: ["camera", "microphone"],
  },
  webServer: [
    // Each server is ready when its /health answers; a start that fails or times out is reported under its
    // name with its output (the app's logs go to stdout, hence "pipe").
    {
      name: "mail catcher",
      command: "node --import tsx tests/e2e/support/mail-catcher.ts",
      url: `${MAIL_HTTP_URL}/health`,
      reuseExistingServer: false,
      env: { MAIL_SMTP_PORT: String(MAIL_SMTP_PORT), MAIL_HTTP_PORT: String(MAIL_HTTP_PORT) },
    },
    {
      // A fresh embedded database per run, the built app, e-mail to the catcher above.
      name: "app server",
      command: `rm -rf data/e2e-${PORT} && node --import tsx server/main.ts`,
      stdout: "pipe",
      url: `${E2E_URL}/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        APP_ENV: "test",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(PORT),
        PUBLIC_URL: E2E_URL,
        DATA_DIR: `data/e2e-${PORT}`,
        SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP_PORT}`,
        AUTH_RATE_LIMIT_MAX: "100",
        LOG_LEVEL: "warn",
        SEED_DEMO: "true",
      },
    },
  ],
});
