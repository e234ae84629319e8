import { expect, type Page, test } from "@playwright/test";
import { pdfText } from "../setup/pdf-text";
import { boardOf, draw, pendingOf } from "./support/board";
import { localInputValue } from "./support/call";
import { expectAccessible, logIn, waitForMail } from "./support/helpers";

/**
 * Fails on a CSP violation or on any request that reaches another origin. One known exception:
 * Excalidraw lists its CDN (esm.sh) as a fallback source of its fonts; the production CSP blocks those
 * attempts (font-src 'self'), so nothing leaves the app — still checked: no external request completes.
 */
function watchPolicy(page: Page, problems: string[]) {
  const excalidrawFontFallback = /Loading the font 'https:\/\/esm\.sh\/@excalidraw\/excalidraw@[^']+\.woff2' violates/;
  page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && !excalidrawFontFallback.test(m.text()) && problems.push(m.text()));
  page.on("requestfinished", (r) => {
    const url = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) problems.push(`external request ${r.url()}`);
  });
}

test("whiteboard and live homework in a session, the homework e-mail with its PDF, practice and adherence", async ({ browser }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  // A laptop screen: the board shares the call room with the faces.
  const therapist = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const patient = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  watchPolicy(therapist, problems);
  watchPolicy(patient, problems);

  // A session starting now between Dr. Martin Keller and Rosa Martín, set up as in call.spec.ts.
  await logIn(therapist, "therapist2@demo.clinic");
  await therapist.getByLabel("Patient").selectOption({ label: "Rosa Martín" });
  await therapist.getByLabel("Kind of session").selectOption("supporting");
  await therapist.getByLabel(/^Start/).fill(localInputValue("Europe/Berlin", new Date(Date.now() + 60_000)));
  await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
  await expect(therapist).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionUrl = therapist.url();
  await therapist.getByRole("button", { name: "Join the session" }).click();
  await logIn(patient, "patient3@demo.clinic");
  await patient.goto(sessionUrl);
  await patient.getByRole("button", { name: "Join the session" }).click();
  await therapist.getByRole("button", { name: "Admit Rosa Martín" }).click();

  // The board is loaded only when opened.
  await expect(therapist.getByRole("heading", { name: "Whiteboard" })).toBeVisible();
  await therapist.getByRole("button", { name: "Open the whiteboard" }).click();
  await expect(therapist.getByTitle(/^Rectangle —/)).toBeVisible({ timeout: 20_000 });

  // The therapist draws; the patient's board opens by itself and shows the shape.
  await draw(therapist, "rectangle", [450, 140], [600, 240]);
  await expect.poll(() => boardOf(therapist).then((b) => b.length)).toBe(1);
  await expect(patient.getByTestId("board-canvas")).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => JSON.stringify(await boardOf(patient)) === JSON.stringify(await boardOf(therapist))).toBe(true);

  // Both draw at the same time: nothing is lost and both boards end identical.
  await Promise.all([draw(therapist, "diamond", [620, 140], [720, 240]), draw(patient, "ellipse", [450, 300], [600, 400])]);
  await expect.poll(() => boardOf(therapist).then((b) => b.length), { timeout: 10_000 }).toBe(3);
  const same = async () => JSON.stringify(await boardOf(patient)) === JSON.stringify(await boardOf(therapist));
  await expect.poll(same, { timeout: 10_000 }).toBe(true);
  await expect.poll(() => pendingOf(therapist)).toBe(0);
  await expect.poll(() => pendingOf(patient)).toBe(0);

  // The patient reloads: back in the call, the whole board is there.
  const before = await boardOf(therapist);
  await patient.reload();
  await expect(patient.getByTestId("board-canvas")).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => boardOf(patient), { timeout: 15_000 }).toEqual(before);

  // The therapist assigns two techniques; the patient's panel shows them without a reload.
  const add = therapist.locator("details.homework-add");
  await add.getByLabel("Technique").selectOption({ label: "Gentle eyebrow lift" });
  await add.getByRole("button", { name: "Add to homework" }).click();
  await add.getByLabel("Technique").selectOption({ label: "Lip pucker" });
  await add.getByLabel("Repetitions").fill("0");
  await add.getByRole("button", { name: "Add to homework" }).click();
  await expect(add.getByRole("alert")).toContainText("Repetitions must be between 1 and 100");
  await add.getByLabel("Repetitions").fill("12");
  await add.getByRole("button", { name: "Add to homework" }).click();
  const patientList = patient.getByTestId("homework-list");
  await expect(patientList.getByRole("heading", { name: "Gentle eyebrow lift" })).toBeVisible({ timeout: 3_000 });
  await expect(patientList.getByRole("heading", { name: "Lip pucker" })).toBeVisible({ timeout: 3_000 });
  await expect(patientList).toContainText("12 repetitions");

  // The therapist ends the session; the homework e-mail arrives with the PDF, which names both techniques.
  await therapist.getByRole("button", { name: "End session" }).click();
  await therapist.getByRole("button", { name: "Yes, end session" }).click();
  await expect(patient.getByRole("heading", { name: "The session has ended" })).toBeVisible();
  const mail = await waitForMail("patient3@demo.clinic", /Your homework/);
  const pdf = mail.attachments?.find((a) => a.contentType === "application/pdf");
  expect(pdf).toBeDefined();
  const text = pdfText(Buffer.from(pdf!.base64, "base64"));
  expect(text).toContain("Gentle eyebrow lift");
  expect(text).toContain("Lip pucker");

  // At home: the patient sees the homework, downloads the same PDF, and logs a practice in one tap.
  await patient.goto("/patient/homework");
  await expect(patient.getByRole("heading", { name: "Gentle eyebrow lift" })).toBeVisible();
  const download = await patient.request.get(await patient.getByRole("link", { name: /printable sheet/i }).first().getAttribute("href").then((h) => h!));
  expect(download.headers()["content-type"]).toBe("application/pdf");
  expect(pdfText(await download.body())).toContain("Lip pucker");
  await expectAccessible(patient);
  await patient.getByRole("button", { name: "Done — log this practice" }).click();
  await expect(patient.getByRole("status").filter({ hasText: "your practice is logged" })).toBeVisible();
  await expect(patient.getByText("1 of 2 today")).toBeVisible();

  // The therapist sees it in the adherence view.
  await therapist.goto("/therapist");
  await expect(therapist.getByTestId("adherence-Rosa Martín")).toContainText("1 of 2 today");
  await expectAccessible(therapist);
  expect(problems).toEqual([]);
});
