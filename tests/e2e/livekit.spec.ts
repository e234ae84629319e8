// Calls through the real LiveKit SFU (livekit-server v1.13.5 on loopback) in Chromium: the app runs
// here with LIVEKIT_* set, so the call page loads the LiveKit transport. Same user journey as
// call.spec.ts (peer-to-peer), plus what only the SFU does: the server's webhooks make the attendance.

import { rmSync } from "node:fs";
import path from "node:path";
import { expect, type LaunchOptions, type Page, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../server/paths";
import { startAppServer, type AppServer } from "../faults/support/app-server";
import { startTestLiveKitServer, type RunningLiveKitServer } from "../setup/livekit-server";
import { boardOf, draw } from "./support/board";
import { expectAudioFlowing, expectVideoFlowing, localInputValue } from "./support/call";
import { logIn } from "./support/helpers";

// Beside the suite's own app (E2E_PORT), on the next ports, so parallel checkouts stay apart.
const APP_PORT = Number(process.env.E2E_PORT ?? 3510) + 2;
const MAIL_SMTP_PORT = Number(process.env.E2E_MAIL_SMTP_PORT ?? 3526);
const DATA_DIR = path.join(PROJECT_ROOT, "data", `e2e-livekit-${APP_PORT}`);

test.use({
  baseURL: `http://127.0.0.1:${APP_PORT}`,
  // Browser and SFU are both on 127.0.0.1: Chromium offers loopback ICE candidates only when told to.
  launchOptions: [
    async ({ launchOptions }: { launchOptions: LaunchOptions }, use: (options: LaunchOptions) => Promise<void>) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), "--allow-loopback-in-peer-connection"] }),
    { scope: "worker" },
  ] as never,
});

let livekit: RunningLiveKitServer;
let app: AppServer;

test.beforeAll(async () => {
  livekit = await startTestLiveKitServer({ name: "e2e", webhookUrl: `http://127.0.0.1:${APP_PORT}/api/livekit/webhook` });
  rmSync(DATA_DIR, { recursive: true, force: true });
  app = await startAppServer({
    port: APP_PORT,
    dataDir: DATA_DIR,
    env: { SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP_PORT}`, LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret },
  });
});

test.afterAll(async () => {
  await app?.stop();
  await livekit?.stop();
});

async function scheduleNow(therapist: Page, patientName: string, zone: string): Promise<string> {
  await therapist.getByLabel("Patient").selectOption({ label: patientName });
  await therapist.getByLabel("Kind of session").selectOption("supporting");
  await therapist.getByLabel(/^Start/).fill(localInputValue(zone, new Date(Date.now() + 60_000)));
  await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
  await expect(therapist).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  return therapist.url();
}

test("a session through the LiveKit SFU: waiting room, media both ways, mute and camera state, board and homework, webhook attendance", async ({ browser }) => {
  test.setTimeout(150_000);
  const therapist = await (await browser.newContext()).newPage();
  const patient = await (await browser.newContext()).newPage();

  await logIn(therapist, "therapist1@demo.clinic");
  const sessionUrl = await scheduleNow(therapist, "Paula Patient", "Europe/Sofia");
  await therapist.getByRole("button", { name: "Join the session" }).click();
  await expect(therapist.getByText("Waiting for Paula Patient to join…")).toBeVisible();

  await logIn(patient, "patient1@demo.clinic");
  await patient.goto(sessionUrl);
  await patient.getByRole("button", { name: "Join the session" }).click();
  await expect(patient.getByRole("heading", { name: /waiting room/ })).toBeVisible();
  await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();

  // The page runs the LiveKit transport, and each side decodes the other's video and audio via the SFU.
  await expect.poll(() => patient.evaluate(() => (window as unknown as { __call?: { kind: string } }).__call?.kind)).toBe("livekit");
  await expectVideoFlowing(patient);
  await expectVideoFlowing(therapist);
  await expectAudioFlowing(patient);
  await expectAudioFlowing(therapist);
  // LiveKit's own connection-quality measure shows on both sides.
  await expect(patient.locator(".call__quality")).toHaveText(/Good connection|Fair connection/, { timeout: 15_000 });
  await expect(therapist.locator(".call__quality")).toHaveText(/Good connection|Fair connection/, { timeout: 15_000 });

  // Microphone and camera state cross the SFU.
  await patient.getByRole("button", { name: "Mute microphone" }).click();
  await expect(therapist.getByTestId("remote-state")).toContainText("microphone off");
  await patient.getByRole("button", { name: "Unmute microphone" }).click();
  await expect(therapist.getByTestId("remote-state")).not.toContainText("microphone off");
  await therapist.getByRole("button", { name: "Turn camera off" }).click();
  await expect(patient.getByTestId("remote-state")).toContainText("camera off");
  await therapist.getByRole("button", { name: "Turn camera on" }).click();
  await expect(patient.getByTestId("remote-state")).not.toContainText("camera off");
  await expectVideoFlowing(patient);

  // The whiteboard and the homework still sync (they ride on the app's socket, beside the SFU).
  await therapist.getByRole("button", { name: "Open the whiteboard" }).click();
  await expect(therapist.getByTitle(/^Rectangle —/)).toBeVisible({ timeout: 20_000 });
  await draw(therapist, "rectangle", [450, 140], [600, 240]);
  await expect(patient.getByTestId("board-canvas")).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => JSON.stringify(await boardOf(patient)) === JSON.stringify(await boardOf(therapist)) && (await boardOf(patient)).length === 1).toBe(true);
  const add = therapist.locator("details.homework-add");
  await add.getByLabel("Technique").selectOption({ label: "Gentle eyebrow lift" });
  await add.getByRole("button", { name: "Add to homework" }).click();
  await expect(patient.getByTestId("homework-list").getByRole("heading", { name: "Gentle eyebrow lift" })).toBeVisible({ timeout: 5_000 });

  // The therapist takes the patient out of the call: the SFU disconnects them; joining again means waiting to be let in.
  await therapist.getByRole("button", { name: "Remove Paula Patient from the call" }).click();
  await expect(patient.getByRole("heading", { name: "You have left the call" })).toBeVisible();
  await expect(therapist.getByText("Waiting for Paula Patient to join…")).toBeVisible({ timeout: 15_000 });
  await patient.reload();
  await patient.getByRole("button", { name: "Join the session" }).click();
  await expect(patient.getByRole("heading", { name: /waiting room/ })).toBeVisible();
  await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();
  await expectVideoFlowing(therapist);

  // The therapist ends the session: the SFU room closes, the patient sees the end.
  await therapist.getByRole("button", { name: "End session" }).click();
  await therapist.getByRole("button", { name: "Yes, end session" }).click();
  await expect(patient.getByRole("heading", { name: "The session has ended" })).toBeVisible();

  // Attendance comes from the server's signed participant_joined webhooks (the app records none itself on LiveKit).
  await therapist.goto(sessionUrl);
  const rows = therapist.locator("section[aria-labelledby=attendance-title] tbody tr");
  // One row per participant; the removal and the rejoin show as two connected intervals inside it.
  await expect(rows.filter({ hasText: "Paula Patient" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Paula Patient" }).locator("td").nth(3)).toContainText(",");
  await expect(rows.filter({ hasText: "Dr. Teodora Ivanova" })).toHaveCount(1);
});
