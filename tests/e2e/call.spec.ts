import { expect, test } from "@playwright/test";
import { expectAudioFlowing, expectVideoFlowing, localInputValue } from "./support/call";
import { expectAccessible, logIn } from "./support/helpers";

test("a peer-to-peer session: waiting room, video both ways, mute, reload, end, attendance, outsiders refused", async ({ browser }) => {
  test.setTimeout(120_000);
  const therapist = await (await browser.newContext()).newPage();
  const patient = await (await browser.newContext()).newPage();
  const outsider = await (await browser.newContext()).newPage();

  // The therapist schedules a session starting now with one of their patients.
  await logIn(therapist, "therapist1@demo.clinic");
  await therapist.getByLabel("Patient").selectOption({ label: "Paula Patient" });
  await therapist.getByLabel("Kind of session").selectOption("supporting");
  await therapist.getByLabel(/^Start/).fill(localInputValue("Europe/Sofia", new Date(Date.now() + 60_000)));
  await therapist.getByRole("button", { name: "Schedule and invite the patient" }).click();
  await expect(therapist).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionUrl = therapist.url();
  await expect(therapist.getByRole("heading", { name: "Check your camera and microphone" })).toBeVisible();
  await expectAccessible(therapist);
  await therapist.getByRole("button", { name: "Join the session" }).click();
  await expect(therapist.getByText("Waiting for Paula Patient to join…")).toBeVisible();

  // The patient arrives from their home page and waits until admitted.
  await logIn(patient, "patient1@demo.clinic");
  await patient.getByRole("link", { name: /Supporting session .*with Dr. Teodora Ivanova/ }).first().click();
  await expect(patient).toHaveURL(sessionUrl);
  await patient.getByRole("button", { name: "Join the session" }).click();
  await expect(patient.getByRole("heading", { name: /waiting room/ })).toBeVisible();
  await expectAccessible(patient);
  await therapist.getByRole("button", { name: "Admit Paula Patient" }).click();

  // Each receives the other's video and audio.
  await expectVideoFlowing(patient);
  await expectVideoFlowing(therapist);
  await expectAudioFlowing(patient);
  await expectAudioFlowing(therapist);
  await expect(patient.getByRole("button", { name: "Show true image" })).toBeVisible(); // the patient's self view is mirrored
  await expect(therapist.getByRole("button", { name: "Mirror my view" })).toBeVisible(); // the therapist sees the true image
  await expectAccessible(therapist);

  // The patient mutes; the therapist sees it.
  await patient.getByRole("button", { name: "Mute microphone" }).click();
  await expect(therapist.getByTestId("remote-state")).toContainText("microphone off");
  await patient.getByRole("button", { name: "Unmute microphone" }).click();
  await expect(therapist.getByTestId("remote-state")).not.toContainText("microphone off");

  // The patient reloads and is back in the call by itself, with video flowing again.
  await patient.reload();
  await expect(patient.getByRole("heading", { name: /waiting room/ })).toHaveCount(0);
  await expectVideoFlowing(patient);
  await expectVideoFlowing(therapist);

  // Another patient is refused at the page and at the signalling room.
  await logIn(outsider, "patient2@demo.clinic");
  const refused = await outsider.goto(sessionUrl);
  expect(refused?.status()).toBe(403);
  const sessionId = sessionUrl.split("/").pop()!;
  await outsider.goto("/patient");
  // The page's socket connects after hydration.
  await outsider.waitForFunction(() => Boolean((window as unknown as { __appSocket?: unknown }).__appSocket));
  const answers = await outsider.evaluate(async (id) => {
    const socket = (window as unknown as { __appSocket: { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error?: string }>; connected: boolean } }).__appSocket;
    const join = await socket.emitWithAck("call:join", { sessionId: id, peerId: "outsider-peer-1" });
    const signal = await socket.emitWithAck("call:signal", { sessionId: id, to: "anyone.peer", data: { candidate: null } });
    return { join, signal };
  }, sessionId);
  expect(answers.join).toMatchObject({ ok: false, error: "FORBIDDEN" });
  expect(answers.signal).toMatchObject({ ok: false, error: "NOT_IN_CALL" });

  // The therapist ends the session; the patient sees the ended screen.
  await therapist.getByRole("button", { name: "End session" }).click();
  await therapist.getByRole("button", { name: "Yes, end session" }).click();
  await expect(patient.getByRole("heading", { name: "The session has ended" })).toBeVisible();
  await expect(therapist.getByRole("heading", { name: "The session has ended" })).toBeVisible();

  // Attendance is stored and shown to the therapist.
  await therapist.goto(sessionUrl);
  await expect(therapist.getByRole("heading", { name: "Attendance" })).toBeVisible();
  const rows = therapist.locator("section[aria-labelledby=attendance-title] tbody tr");
  // One row per participant; the reload shows as two connected intervals inside it.
  await expect(rows.filter({ hasText: "Paula Patient" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Paula Patient" }).locator("td").nth(3)).toContainText(",");
  await expect(rows.filter({ hasText: "Dr. Teodora Ivanova" })).toHaveCount(1);
});
