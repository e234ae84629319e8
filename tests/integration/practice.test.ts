import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { seedPatientRecord } from "../setup/patient-record";
import { type Client, signedInClients } from "../setup/sign-in";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createTestApp, type TestApp } from "../setup/test-app";

describe("Practise now (pglite)", () => {
  let t: TestApp;
  let clients: Record<Role, Client>;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ kind: "pglite", smtpUrl: smtp.url });
    clients = await signedInClients(t);
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
  });

  it("lists today's exercises from the homework, and saves the prefilled practice log only when the patient confirms", async () => {
    const record = await seedPatientRecord(t.services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "PRACTICE-1", diaryEntries: 1, snapshots: 1 });
    const page = await clients.patient.request("/patient/practice");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Practise now");
    const homework = (await t.services.db.selectFrom("homeworkItem").select(["itemId", "sessionId"]).where("itemId", "in", record.homeworkItemIds).execute()).map((h) => ({ id: h.itemId, sessionId: h.sessionId }));
    expect(homework.length).toBeGreaterThan(0);
    const before = await t.services.db.selectFrom("practiceLog").select("id").where("patientId", "=", record.patientId).execute();
    // Opening the page stores nothing.
    expect((await t.services.db.selectFrom("practiceLog").select("id").where("patientId", "=", record.patientId).execute()).length).toBe(before.length);
    const saved = await clients.patient.request("/patient/practice", { method: "POST", form: { minutes: "17", sessionId: homework[0]!.sessionId, itemIds: homework[0]!.id } });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("your practice is logged");
    const after = await t.services.db.selectFrom("practiceLog").select(["minutes"]).where("patientId", "=", record.patientId).orderBy("createdAt", "desc").execute();
    expect(after.length).toBe(before.length + 1);
    expect(after[0]!.minutes).toBe(17);
    // A bad minute count is refused with a readable message and nothing stored.
    const bad = await clients.patient.request("/patient/practice", { method: "POST", form: { minutes: "0", sessionId: homework[0]!.sessionId } });
    expect(await bad.text()).toContain("At least 1 minute");
    expect((await t.services.db.selectFrom("practiceLog").select("id").where("patientId", "=", record.patientId).execute()).length).toBe(after.length);
  });
});
