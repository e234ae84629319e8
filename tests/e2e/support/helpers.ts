import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../../../server/services/demo-clinic";
import { totpCode } from "../../setup/totp";

const require = createRequire(import.meta.url);
const MAIL_HTTP_URL = `http://127.0.0.1:${process.env.E2E_MAIL_HTTP_PORT ?? 3527}`;

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: string; base64: string }[];
}

/** Waits for an e-mail to arrive at the real test SMTP server. */
export async function waitForMail(to: string, subject: RegExp): Promise<CaughtMail> {
  for (let i = 0; i < 100; i++) {
    const messages = (await (await fetch(`${MAIL_HTTP_URL}/?to=${encodeURIComponent(to)}`)).json()) as CaughtMail[];
    const found = messages.find((m) => subject.test(m.subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No e-mail "${subject}" for ${to}`);
}

export function linkFrom(mail: CaughtMail, pathPrefix: string): string {
  const link = mail.text.match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname.startsWith(pathPrefix));
  if (!link) throw new Error(`No ${pathPrefix} link in "${mail.subject}"`);
  return link;
}

const HYDRATION = /Minified React error #(418|419|421|422|423|425)|Hydration failed|hydrating|did not match|server rendered/i;
const hydrationErrors = new WeakMap<Page, string[]>();

/**
 * Collects React hydration warnings (#418/#425: the server's HTML and the browser's first render differ,
 * e.g. a time formatted in the browser's zone). `expectAccessible` and `expectNoHydrationWarning` fail on them.
 */
export function watchHydration(page: Page): void {
  if (hydrationErrors.has(page)) return;
  const errors: string[] = [];
  hydrationErrors.set(page, errors);
  page.on("console", (message) => {
    if (message.type() === "error" && HYDRATION.test(message.text())) errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (HYDRATION.test(error.message)) errors.push(`${page.url()}: ${error.message}`);
  });
}

export function expectNoHydrationWarning(page: Page): void {
  expect(hydrationErrors.get(page) ?? [], "hydration warnings").toEqual([]);
}

export async function logIn(page: Page, email: string, password = DEMO_PASSWORD, totpKey?: string) {
  watchHydration(page);
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
  if (new URL(page.url()).pathname === "/login/code") {
    // Staff: the code their authenticator app would show (the demo staff share one key).
    await page.getByLabel("Code").fill(totpCode(totpKey));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }
}

let axeCache: string | undefined;
const axeSource = () => (axeCache ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));

/** Runs axe-core (served from node_modules, no CDN) and fails on any WCAG A/AA violation. */
export async function expectAccessible(page: Page) {
  expectNoHydrationWarning(page);
  // Injected through DevTools (not a <script>), so the page's strict CSP stays on during the check.
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  expect(violations, `accessibility violations on ${page.url()}`).toEqual([]);
}
