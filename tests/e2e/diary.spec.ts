import { FACE_MODEL_URL, MEDIAPIPE_WASM_URL } from "../../server/http/asset-urls";
import { expect, test } from "@playwright/test";
import { fakeCameraVideo } from "../fixtures/face/fake-camera";
import config from "../../playwright.config";
import { expectAccessible, logIn } from "./support/helpers";

// The fake camera plays the fixture video: 1 s of a resting face, then 1 s of a smile, looped.
const VIDEO = fakeCameraVideo();
test.use({ launchOptions: { ...config.use?.launchOptions, args: [...(config.use?.launchOptions?.args ?? []), `--use-file-for-fake-video-capture=${VIDEO}`] } });

test("diary: entry with ratings, consent, guided capture (rest + smile), trend, therapist view, withdrawal", async ({ browser }) => {
  test.setTimeout(180_000);
  const patient = await (await browser.newContext()).newPage();
  const requests: string[] = [];
  patient.on("request", (r) => requests.push(r.url()));
  const consoleMessages: string[] = [];
  patient.on("console", (m) => consoleMessages.push(m.text()));

  await logIn(patient, "patient1@demo.clinic");
  await expect(patient.getByRole("heading", { name: "Face observation diary" })).toBeVisible();
  await patient.getByRole("link", { name: "Write a diary entry" }).click();

  // A draft survives a reload.
  await patient.getByLabel("What changed, what was hard").fill("Smile feels a little easier; eating is still hard on the left.");
  await patient.getByLabel("Tension in the face").fill("6");
  await expect(patient.getByText("Draft saved.")).toBeVisible();
  await patient.reload();
  await expect(patient.getByLabel("What changed, what was hard")).toHaveValue(/Smile feels a little easier/);
  await expect(patient.getByLabel("Tension in the face")).toHaveValue("6");
  await patient.getByLabel("Trouble eating or drinking").fill("7");
  await expectAccessible(patient);
  await patient.getByRole("button", { name: /Save and add a face snapshot/ }).click();

  // Consent first.
  await expect(patient.getByRole("heading", { name: "Face snapshots: your consent" })).toBeVisible();
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Give my consent" }).click();
  await expect(patient.getByText("Tick the box to show you agree")).toBeVisible();
  await patient.getByLabel(/I agree that my browser measures my face/).check();
  await patient.getByRole("button", { name: "Give my consent" }).click();

  // Guided capture: rest and the closed-lip smile are captured from the video; the others are skipped.
  await expect(patient.getByRole("heading", { name: "Face snapshot", exact: true, level: 1 })).toBeVisible();
  await patient.getByRole("button", { name: "Start capture" }).click({ timeout: 60_000 });
  const step = patient.getByRole("heading", { level: 2 });
  await expect(step).toHaveText("Rest");
  // MediaPipe's usage log (sent every 60 s and on close) is answered in the page and never reaches the network.
  expect(await patient.evaluate(() => fetch("https://odml.pa.googleapis.com/v1/log", { method: "POST", body: "x" }).then((r) => r.status))).toBe(204);
  for (const name of ["Eyebrow raise", "Gentle eye closure", "Tight eye closure"]) {
    await expect(step).toHaveText(name, { timeout: 30_000 });
    await patient.getByRole("button", { name: "I can't do this yet" }).click();
  }
  await expect(step).toHaveText("Closed-lip smile");
  for (const name of ["Big smile", "Say \u201ceee\u201d", "Pucker", "Nose wrinkle"]) {
    await expect(step).toHaveText(name, { timeout: 30_000 });
    await patient.getByRole("button", { name: "I can't do this yet" }).click();
  }
  await expect(patient.getByRole("heading", { name: "Your snapshot" })).toBeVisible();
  await expect(patient.getByRole("listitem").filter({ hasText: "Rest: captured" })).toBeVisible();
  await expect(patient.getByRole("listitem").filter({ hasText: "Closed-lip smile: captured" })).toBeVisible();
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Save snapshot" }).click();

  // The entry, with its text, ratings and measures.
  await expect(patient.getByText("Your face snapshot is saved.")).toBeVisible();
  await expect(patient.getByText("Smile feels a little easier")).toBeVisible();
  await expect(patient.getByText("Face snapshot (2 expressions)")).toBeVisible();
  await expect(patient.getByText("Mouth corner height at rest (your left side minus your right)")).toBeVisible();
  await expect(patient.getByText("Smile movement balance (weaker ÷ stronger side)")).toBeVisible();
  // Nothing came from another origin (wasm and model are served by the app).
  const origin = new URL(patient.url()).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"))).toEqual([]);
  expect(requests.some((u) => u.includes(`${MEDIAPIPE_WASM_URL}/vision_wasm_internal.wasm`))).toBe(true);
  expect(requests.some((u) => u.endsWith(FACE_MODEL_URL))).toBe(true);
  expect(requests.filter((u) => u.includes("odml.pa.googleapis.com"))).toEqual([]);
  expect(consoleMessages.filter((m) => m.includes("odml.pa.googleapis.com"))).toEqual([]);

  // The trend shows the point, as a chart and as a table.
  await patient.getByRole("link", { name: "See the trend" }).click();
  await expect(patient.getByRole("heading", { name: "My symmetry trend" })).toBeVisible();
  await expect(patient.getByText("A rough view, not a diagnosis.")).toBeVisible();
  const table = patient.getByRole("table", { name: /Mouth corner height at rest/ });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("first snapshot");
  await expect(patient.getByRole("img", { name: /Mouth corner height at rest/ })).toBeVisible();
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Compare side by side" }).click();
  await expect(patient.getByRole("img", { name: /Face points, Rest/ }).first()).toBeVisible();

  // The therapist reads the same diary and trend, and answers.
  const therapist = await (await browser.newContext()).newPage();
  await logIn(therapist, "therapist1@demo.clinic");
  await therapist.getByRole("link", { name: "Diary of Paula Patient" }).click();
  await expect(therapist.getByText("Smile feels a little easier")).toBeVisible();
  await expect(therapist.getByRole("table", { name: /Mouth corner height at rest/ }).getByRole("row")).toHaveCount(2);
  await expectAccessible(therapist);
  await therapist.getByRole("article").getByRole("link").first().click();
  await therapist.getByLabel("Your answer to the patient").fill("Lovely progress. Let us look at eating together next time.");
  await therapist.getByRole("button", { name: "Send answer" }).click();
  await expect(therapist.getByText("Answer sent.")).toBeVisible();

  // Another patient is refused.
  const other = await (await browser.newContext()).newPage();
  await logIn(other, "patient2@demo.clinic");
  const refused = await other.goto(therapist.url());
  expect(refused?.status()).toBe(403);

  // Withdrawing consent removes the landmarks; the text and the answer stay.
  await patient.goto("/diary/consent");
  await patient.getByRole("button", { name: "Withdraw consent and delete my face data" }).click();
  await expect(patient.getByText(/Your consent is withdrawn. 1 face snapshot was deleted/)).toBeVisible();
  await patient.goto("/diary");
  await expect(patient.getByText("Smile feels a little easier")).toBeVisible();
  await expect(patient.getByText("Lovely progress.")).toBeVisible();
  await expect(patient.getByText(/Face snapshot \(/)).toHaveCount(0);
  await patient.goto("/diary/trend");
  await expect(patient.getByText("No face snapshot yet.")).toBeVisible();
  await therapist.goto(therapist.url().replace(/\/diary\/entries\/.*/, "/therapist"));
});
