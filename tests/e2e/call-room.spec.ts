/**
 * The call room (issue 15, and issue 16's screen sharing): one peer-to-peer session held as a therapist
 * and a patient would, in two Chromium contexts with fake cameras. It runs on an app server of its own
 * (fresh embedded database), so its session never collides with the other specs' sessions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../faults/support/app-server";
import { expectVideoFlowing, localInputValue, receivedMedia } from "./support/call";
import { expectAccessible, logIn } from "./support/helpers";

const PORT = Number(process.env.E2E_PORT ?? 3510) + 9;
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const SHOTS = path.join("test-results", "call-room");

test.describe.configure({ mode: "serial" });

let server: AppServer;
let dataDir: string;
const contexts: BrowserContext[] = [];
let therapist: Page;
let patient: Page;

/** Both see the other's picture moving, and neither shows "waiting" or "reconnecting". */
async function seeEachOther(): Promise<boolean> {
  const before = await Promise.all([therapist, patient].map(async (p) => (await receivedMedia(p)).frames));
  await new Promise((r) => setTimeout(r, 300));
  const after = await Promise.all([therapist, patient].map(async (p) => (await receivedMedia(p)).frames));
  if (!after.every((f, i) => f > before[i]!)) return false;
  for (const page of [therapist, patient]) {
    if (await page.getByText(/Waiting for .* to join/).isVisible()) return false;
    if (await page.getByTestId("remote-paused").isVisible()) return false;
  }
  return true;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  dataDir = mkdtempSync(path.join(tmpdir(), "call-room-"));
  // A first start migrates and seeds a fresh database: slow on a busy machine.
  server = await startAppServer({ port: PORT, dataDir, timeoutMs: 180_000 });
  for (let i = 0; i < 2; i++) contexts.push(await browser.newContext({ baseURL: server.base, viewport: DESKTOP }));
  therapist = await contexts[0]!.newPage();
  patient = await contexts[1]!.newPage();
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("a camera turned on after joining with it off reaches the therapist within 2 s", async () => {
  test.setTimeout(120_000);
  await logIn(therapist, "therapist1@demo.clinic");
  await therapist.getByLabel("Patient").selectOption({ label: "Paula Patient" });
  await therapist.getByLabel("Kind of session").selectOption("supporting");
  await therapist.getByLabel(/^Start/).fill(localInputValue("Europe/Sofia", new Date(Date.now() + 60_000)));
  await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
  await expect(therapist).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionUrl = therapist.url();
  await therapist.getByRole("button", { name: "Join the session" }).click();

  await logIn(patient, "patient1@demo.clinic");
  await patient.goto(sessionUrl);
  await patient.getByLabel("Join with my camera off").check();
  await patient.getByRole("button", { name: "Join the session" }).click();
  await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();
  await expectVideoFlowing(patient);
  await expect(therapist.getByTestId("remote-state")).toContainText("camera off");
  expect((await receivedMedia(therapist)).frames).toBe(0);

  await patient.getByRole("button", { name: "Turn camera on" }).click();
  await expect(patient.getByRole("button", { name: "Turn camera off" })).toBeVisible();
  await expect.poll(async () => (await receivedMedia(therapist)).frames, { timeout: 2_000, intervals: [100] }).toBeGreaterThan(5);
  await expect(therapist.getByTestId("remote-state")).not.toContainText("camera off");
  await expectVideoFlowing(therapist);
});

for (const seconds of [8, 15]) {
  test(`the patient offline for ${seconds} s: both see each other again within 5 s, without a reload`, async () => {
    test.setTimeout(90_000);
    await expect.poll(seeEachOther, { timeout: 15_000 }).toBe(true);
    const navigations: string[] = [];
    const onNavigate = (frame: { url(): string; parentFrame(): unknown }) => !frame.parentFrame() && navigations.push(frame.url());
    patient.on("framenavigated", onNavigate);
    await contexts[1]!.setOffline(true);
    // The patient's page says it lost the server; the therapist keeps the patient's tile.
    await expect(patient.getByTestId("connection-status")).toContainText("Server reconnecting", { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await expect(therapist.getByText("Waiting for Paula Patient to join…")).toHaveCount(0);
    await contexts[1]!.setOffline(false);
    await expect.poll(seeEachOther, { timeout: 5_000, intervals: [100] }).toBe(true);
    await expect(patient.getByTestId("connection-status")).toContainText("Server connected");
    patient.off("framenavigated", onNavigate);
    expect(navigations).toEqual([]);
  });
}

test("the therapist shares a screen: the patient sees it large beside the therapist's face; it stops cleanly", async () => {
  test.setTimeout(60_000);
  // Chromium's fake capture UI (--use-fake-ui-for-media-stream) picks a screen by itself.
  await therapist.getByRole("button", { name: "Share screen" }).click();
  await expect(therapist.getByRole("button", { name: "Stop sharing" })).toBeVisible();
  const shared = patient.getByLabel("Screen shared by Dr. Teodora Ivanova");
  await expect(shared).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => shared.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), { timeout: 10_000 }).toBeGreaterThan(5);
  const face = patient.getByLabel("Video of Dr. Teodora Ivanova");
  await expect(face).toBeVisible();
  const [screenBox, faceBox] = [(await shared.boundingBox())!, (await face.boundingBox())!];
  expect(screenBox.width * screenBox.height).toBeGreaterThan(faceBox.width * faceBox.height);
  expect(screenBox.x + screenBox.width).toBeLessThanOrEqual(faceBox.x + 1); // beside, not on top
  await expectVideoFlowing(patient);
  await patient.screenshot({ path: path.join(SHOTS, "patient-desktop-screen-share.png") });

  await therapist.getByRole("button", { name: "Stop sharing" }).click();
  await expect(shared).toHaveCount(0, { timeout: 10_000 });
  await expect(therapist.getByRole("button", { name: "Share screen" })).toBeVisible();
  await expectVideoFlowing(patient);
});

/** The room keeps the face in view: remote video wholly in the viewport (≥ 30 % of it at desktop size), controls too. */
async function expectRoomLayout(page: Page, viewport: { width: number; height: number }, otherName: string, minShare: number) {
  const video = (await page.getByLabel(`Video of ${otherName}`).boundingBox())!;
  expect(video.x).toBeGreaterThanOrEqual(0);
  expect(video.y).toBeGreaterThanOrEqual(0);
  expect(video.x + video.width).toBeLessThanOrEqual(viewport.width);
  expect(video.y + video.height).toBeLessThanOrEqual(viewport.height);
  expect((video.width * video.height) / (viewport.width * viewport.height)).toBeGreaterThanOrEqual(minShare);
  const controls = (await page.getByRole("toolbar", { name: "Call controls" }).boundingBox())!;
  expect(controls.y).toBeGreaterThanOrEqual(0);
  expect(controls.y + controls.height).toBeLessThanOrEqual(viewport.height);
  expect(controls.x + controls.width).toBeLessThanOrEqual(viewport.width);
  for (const name of [/microphone/, /camera/, /^(End session|Leave)$/]) await expect(page.getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name })).toBeInViewport({ ratio: 1 });
  // The page itself never scrolls: the tools scroll inside their panel.
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight + 1)).toBe(true);
}

test("the room at 1366×768 and 390×844, whiteboard closed and open with homework: the face stays large and in view", async () => {
  test.setTimeout(120_000);
  const sizes = [
    { name: "desktop", viewport: DESKTOP, minShare: 0.3 },
    { name: "phone", viewport: PHONE, minShare: 0 },
  ];
  for (const { name, viewport, minShare } of sizes) {
    for (const page of [therapist, patient]) await page.setViewportSize(viewport);
    await expect.poll(seeEachOther, { timeout: 15_000 }).toBe(true);
    await expectRoomLayout(therapist, viewport, "Paula Patient", minShare);
    await expectRoomLayout(patient, viewport, "Dr. Teodora Ivanova", minShare);
    await therapist.screenshot({ path: path.join(SHOTS, `therapist-${name}-board-closed.png`) });
    await patient.screenshot({ path: path.join(SHOTS, `patient-${name}-board-closed.png`) });
  }

  // The therapist opens the board and assigns homework; the patient's board opens with the first shape.
  for (const page of [therapist, patient]) await page.setViewportSize(DESKTOP);
  await therapist.getByRole("button", { name: "Open the whiteboard" }).click();
  await expect(therapist.getByTitle(/^Rectangle —/)).toBeVisible({ timeout: 20_000 });
  await therapist.getByTitle(/^Rectangle —/).click();
  const canvas = (await therapist.getByTestId("board-canvas").boundingBox())!;
  await therapist.mouse.move(canvas.x + 320, canvas.y + 140);
  await therapist.mouse.down();
  await therapist.mouse.move(canvas.x + 420, canvas.y + 200, { steps: 4 });
  await therapist.mouse.move(canvas.x + 480, canvas.y + 240, { steps: 4 });
  await therapist.mouse.up();
  await expect(patient.getByTestId("board-canvas")).toBeVisible({ timeout: 20_000 });
  const add = therapist.locator("details.homework-add");
  await add.getByLabel("Technique").selectOption({ label: "Gentle eyebrow lift" });
  await add.getByRole("button", { name: "Add to homework" }).click();
  await expect(patient.getByTestId("homework-list").getByRole("heading", { name: "Gentle eyebrow lift" })).toBeVisible();

  for (const { name, viewport, minShare } of sizes) {
    for (const page of [therapist, patient]) await page.setViewportSize(viewport);
    await expect.poll(seeEachOther, { timeout: 15_000 }).toBe(true);
    for (const page of [therapist, patient]) {
      await expect(page.getByTestId("board-canvas")).toBeVisible();
      await expect(page.getByRole("heading", { name: "Homework" })).toBeAttached();
    }
    await expectRoomLayout(therapist, viewport, "Paula Patient", minShare);
    await expectRoomLayout(patient, viewport, "Dr. Teodora Ivanova", minShare);
    for (const page of [therapist, patient]) await page.getByRole("complementary", { name: "Session tools" }).evaluate((side) => side.scrollTo(0, 0));
    await therapist.screenshot({ path: path.join(SHOTS, `therapist-${name}-board-open.png`) });
    await patient.screenshot({ path: path.join(SHOTS, `patient-${name}-board-open.png`) });
    await expectAccessible(therapist);
    await expectAccessible(patient);
  }
  for (const page of [therapist, patient]) await page.setViewportSize(DESKTOP);
});

test("the patient's snapshot card shows only when asked; the patient can leave and rejoin; the end button is red and works", async () => {
  test.setTimeout(90_000);
  await expect(patient.getByRole("heading", { name: "Face snapshot" })).toBeHidden();
  await expect(therapist.getByRole("heading", { name: "Face snapshot" })).toBeVisible();

  await patient.getByRole("button", { name: "Leave" }).click();
  await expect(patient.getByRole("heading", { name: "You have left the session" })).toBeVisible();
  await expect(therapist.getByText("Waiting for Paula Patient to join…")).toBeVisible({ timeout: 5_000 });
  await patient.getByRole("button", { name: "Rejoin the session" }).click();
  await patient.getByRole("button", { name: "Join the session" }).click();
  await expect.poll(seeEachOther, { timeout: 20_000 }).toBe(true);

  // Red, not the colour of the other buttons (the generic button rule used to win over "danger").
  const red = "rgb(164, 38, 44)";
  const background = (name: string) => therapist.getByRole("button", { name, exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(await background("End session")).toBe(red);
  await therapist.getByRole("button", { name: "End session" }).click();
  await therapist.mouse.move(0, 0);
  const confirm = therapist.getByRole("button", { name: "Yes, end session" });
  expect(await background("Yes, end session")).toBe(red);
  expect(await background("Keep going")).not.toBe(red);
  await confirm.click();
  await expect(patient.getByRole("heading", { name: "The session has ended" })).toBeVisible();
  await expect(therapist.getByRole("heading", { name: "The session has ended" })).toBeVisible();
});
