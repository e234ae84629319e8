import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { freePort, startAppProcess } from "../setup/app-process";
import { totpCode } from "../setup/totp";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { startBaselineServer } from "./baseline-call";
import { chunk, closure, gzipBytes, kB } from "./bundle-size";

export const JOINS = 20;
export const RELOADS = 10;

const FIRST_FRAME_HOOK = `(() => {
  const check = () => {
    for (const v of document.querySelectorAll("video.remote-video, video#remote")) {
      if (v.__hooked) continue;
      v.__hooked = true;
      v.requestVideoFrameCallback(() => { window.__firstFrameAt ??= performance.timeOrigin + performance.now(); });
    }
    requestAnimationFrame(check);
  };
  document.addEventListener("DOMContentLoaded", check);
})();`;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function startApp() {
  const port = await freePort();
  return startAppProcess({
    name: "the app server for the call bench",
    timeoutMs: 180_000, // a shared, busy machine can take a minute to start it
    port,
    env: { ...process.env, APP_ENV: "test", NODE_ENV: "production", PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: mkdtempSync(path.join(tmpdir(), "bench-")), LOG_LEVEL: "warn", AUTH_RATE_LIMIT_MAX: "1000", DATABASE_URL: "" },
  });
}

async function firstFrameAfter(page: Page, t0: number, timeout = 20_000): Promise<number> {
  const at = await page.waitForFunction(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt, undefined, { timeout, polling: 5 });
  return ((await at.jsonValue()) as number) - t0;
}

async function logIn(page: Page, base: string, email: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
  if (new URL(page.url()).pathname === "/login/code") {
    await page.getByLabel("Code").fill(totpCode());
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  }
}

const clickAt = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === sel) ?? document.querySelector(sel);
    const t0 = performance.timeOrigin + performance.now();
    (el as HTMLElement).click();
    return t0;
  }, selector);

async function productJoins(browser: Browser) {
  const app = await startApp();
  try {
    const therapistContext = await browser.newContext();
    const therapist = await therapistContext.newPage();
    await logIn(therapist, app.url, "therapist1@demo.clinic");
    await therapist.getByLabel("Patient").selectOption({ label: "Paula Patient" });
    const start = new Date(Date.now() + 60_000);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Sofia", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(start).map((p) => [p.type, p.value]));
    await therapist.getByLabel(/^Start/).fill(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`);
    await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
    await therapist.waitForURL(/\/sessions\//);
    const sessionUrl = therapist.url();
    await therapist.getByRole("button", { name: "Join the session" }).click();

    const patientContext = await browser.newContext();
    await patientContext.addInitScript(FIRST_FRAME_HOOK);
    const login = await patientContext.newPage();
    await logIn(login, app.url, "patient1@demo.clinic");
    await login.goto(sessionUrl);
    await login.getByRole("button", { name: "Join the session" }).click();
    await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();
    await firstFrameAfter(login, 0);
    await login.close();

    const joins: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const page = await patientContext.newPage();
      await page.goto(sessionUrl);
      // The preview is already showing when the patient clicks.
      await page.waitForFunction(() => {
        const v = document.querySelector(".prejoin__preview video") as HTMLVideoElement | null;
        return Boolean(v && v.readyState >= 2 && v.currentTime > 0);
      });
      const t0 = await clickAt(page, "Join the session");
      joins.push(await firstFrameAfter(page, t0));
      await page.close();
      await therapist.waitForSelector("text=Waiting for Paula Patient to join…");
    }

    const page = await patientContext.newPage();
    await page.goto(sessionUrl);
    await page.getByRole("button", { name: "Join the session" }).click();
    await firstFrameAfter(page, 0);
    const reloads: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const t0 = Date.now();
      await page.reload();
      reloads.push(await firstFrameAfter(page, t0));
    }
    return { joins, reloads, sessionPage: page };
  } finally {
    await app.stop();
  }
}

async function baselineJoins(browser: Browser) {
  const server = await startBaselineServer();
  try {
    const host = await (await browser.newContext()).newPage();
    await host.goto(`${server.url}/?room=bench`);
    await host.evaluate(() => (window as unknown as { listen(): Promise<void> }).listen());
    const context = await browser.newContext();
    await context.addInitScript(FIRST_FRAME_HOOK);
    const joins: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const page = await context.newPage();
      await page.goto(`${server.url}/?room=bench`);
      await page.waitForFunction(() => {
        const v = document.querySelector("#local") as HTMLVideoElement | null;
        return Boolean(v && v.readyState >= 2 && v.currentTime > 0);
      });
      const t0 = await clickAt(page, "#join");
      joins.push(await firstFrameAfter(page, t0));
      await page.close();
      // The host starts a fresh connection for the next guest.
      await host.reload();
      await host.evaluate(() => (window as unknown as { listen(): Promise<void> }).listen());
    }
    return joins;
  } finally {
    await server.close();
  }
}

function bundleSizes() {
  const base = closure([chunk("entry.client"), chunk("root"), chunk("sessions._sessionId")]);
  const callRoom = closure([chunk("call-room.client")]);
  const p2p = new Set([...base, ...callRoom]); // the peer-to-peer transport is part of the call chunk
  const livekit = new Set([...base, ...callRoom, ...closure([chunk("client-transport")])]);
  return { p2p: gzipBytes(p2p), livekit: gzipBytes(livekit) };
}

export async function runCallBench(): Promise<Record<string, string | number>[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic"],
  });
  try {
    const baseline = await baselineJoins(browser);
    const product = await productJoins(browser);
    const sizes = bundleSizes();
    const b50 = percentile(baseline, 50);
    const b95 = percentile(baseline, 95);
    const p50 = percentile(product.joins, 50);
    const p95 = percentile(product.joins, 95);
    return [
      { measure: `bare baseline: click join → first remote frame (${JOINS} joins)`, median: `${b50.toFixed(0)} ms`, p95: `${b95.toFixed(0)} ms`, ratio: "1.00 / 1.00" },
      { measure: `product (p2p): click join → first remote frame (${JOINS} joins)`, median: `${p50.toFixed(0)} ms`, p95: `${p95.toFixed(0)} ms`, ratio: `${(p50 / b50).toFixed(2)} / ${(p95 / b95).toFixed(2)} (targets 1.5 / 2.0)` },
      { measure: `product (p2p): patient reload → video back (${RELOADS} reloads)`, median: `${percentile(product.reloads, 50).toFixed(0)} ms`, p95: `${percentile(product.reloads, 95).toFixed(0)} ms`, ratio: "" },
      { measure: "call page JavaScript, peer-to-peer (gzip)", median: kB(sizes.p2p), p95: "", ratio: "" },
      { measure: "call page JavaScript, LiveKit (gzip)", median: kB(sizes.livekit), p95: "", ratio: "" },
    ];
  } finally {
    await browser.close();
  }
}
