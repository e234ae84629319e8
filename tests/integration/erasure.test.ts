import { existsSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { jsonb } from "../../server/jobs/queue";
import { allJobHandlers } from "../../server/job-handlers";
import { createJobWorker } from "../../server/jobs/worker";
import { writePhotoFile } from "../../server/services/diary/photo-store";
import { purgeExpiredRetention } from "../../server/services/erasure";
import { databaseKinds } from "../setup/databases";
import { type Client, signedInClients, signInAs } from "../setup/sign-in";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";

const MARKER = "ERASE-ME-DIARY-7731";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe.each(databaseKinds)("erasure on request (GDPR art. 17) on %s", (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let clients: Record<Role, Client>;
  let patientId: string;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ kind, smtpUrl: smtp.url, env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    clients = await signedInClients(t);
    patientId = (await t.services.db.selectFrom("user").select("id").where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
  });
  const runJobs = () => createJobWorker(t.services, allJobHandlers()).runDueJobs();

  async function seedHealthData() {
    const patient = clients.patient;
    await patient.request("/diary/new", { method: "POST", form: { entryDate: new Date().toISOString().slice(0, 10), body: `Felt better ${MARKER}`, next: "entry", tension: "3", pain: "1", tearing: "0", synkinesis: "2", eating: "1" } });
    await patient.request("/diary/consent", { method: "POST", form: { intent: "grant", scope: "landmarks", agree: "yes" } });
    await patient.request("/diary/consent", { method: "POST", form: { intent: "grant", scope: "photos", agree: "yes" } });
    const db = t.services.db;
    const entry = await db.selectFrom("diaryEntry").select("id").where("patientId", "=", patientId).executeTakeFirstOrThrow();
    const now = new Date();
    const snapshot = await db.insertInto("faceSnapshot").values({ patientId, entryId: entry.id, sessionId: null, affectedSide: "left", algorithmVersion: "test", measures: jsonb({ smile: 0.8 }), computedAt: now, capturedAt: now }).returning("id").executeTakeFirstOrThrow();
    const photoPath = await writePhotoFile(t.services, patientId, "capture-1", "png", PNG);
    await db.insertInto("faceCapture").values({ snapshotId: snapshot.id, expression: "rest", imageWidth: 640, imageHeight: 480, landmarks: jsonb([[0, 0, 0]]), transformationMatrix: jsonb([1]), blendshapes: jsonb([]), pose: jsonb({ yaw: 0, pitch: 0, roll: 0 }), capturedAt: now, photoPath, photoMime: "image/png" }).execute();
    const session = await db.selectFrom("clinicalSession").select("id").where("patientId", "=", patientId).executeTakeFirstOrThrow();
    await db.insertInto("invoice").values({ patientId, kind: "consultation", sessionId: session.id, programId: null, block: null, amountCents: 14500, currency: "EUR", status: "paid", dueAt: now, paidAt: now, paymentReference: "bank-ref-1", recordedBy: null }).execute();
    await patient.request("/account", { method: "POST", form: { intent: "export" } });
    await runJobs();
    return { photoPath };
  }

  it("lists consents with their dates on the account page, and withdraws one there", async () => {
    await seedHealthData();
    const page = await (await clients.patient.request("/account")).text();
    expect(page).toContain("Your consents");
    expect(page).toContain("Keeping the pictures of face snapshots");
    expect(page).toContain("Withdraw: Keeping the pictures of face snapshots");
    const withdrawn = await clients.patient.request("/account", { method: "POST", form: { intent: "withdraw-consent", scope: "photos" } });
    expect(await withdrawn.text()).toContain("Consent withdrawn");
    const rows = await t.services.db.selectFrom("faceConsent").select(["scope", "withdrawnAt"]).where("patientId", "=", patientId).execute();
    expect(rows.find((r) => r.scope === "photos")!.withdrawnAt).toBeInstanceOf(Date);
    expect(rows.find((r) => r.scope === "landmarks")!.withdrawnAt).toBeNull();
    // Agreed again, with a picture kept, for the erasure below.
    await clients.patient.request("/diary/consent", { method: "POST", form: { intent: "grant", scope: "photos", agree: "yes" } });
    const capture = await t.services.db.selectFrom("faceCapture as c").innerJoin("faceSnapshot as s", "s.id", "c.snapshotId").select("c.id").where("s.patientId", "=", patientId).executeTakeFirstOrThrow();
    const photoPath = await writePhotoFile(t.services, patientId, "capture-2", "png", PNG);
    await t.services.db.updateTable("faceCapture").set({ photoPath, photoMime: "image/png" }).where("id", "=", capture.id).execute();
  });

  it("tells the patient what erasure deletes and what is kept, and needs an explicit request", async () => {
    const page = await (await clients.patient.request("/account")).text();
    expect(page).toContain("Erase your account");
    const text = page.replace(/<!-- -->/g, "");
    expect(text).toContain("Invoices</strong>: amount, currency, date, payment status and the name they were billed to — nothing about your health, for 10 years");
    const unticked = await clients.patient.request("/account", { method: "POST", form: { intent: "request-erasure" } });
    expect(unticked.status).toBe(422);
    expect(await unticked.text()).toContain("Tick the box");
    expect(await t.services.db.selectFrom("erasureRequest").select("id").execute()).toHaveLength(0);
    // Staff have no erasure of their own here.
    expect((await clients.therapist.request("/account", { method: "POST", form: { intent: "request-erasure", understood: "yes" } })).status).toBe(403);
  });

  it("can be cancelled before an admin confirms; double requests stay one", async () => {
    await Promise.all([1, 2].map(() => clients.patient.request("/account", { method: "POST", form: { intent: "request-erasure", understood: "yes" } })));
    expect(await t.services.db.selectFrom("erasureRequest").select("status").execute()).toEqual([{ status: "requested" }]);
    expect(await (await clients.patient.request("/account", { method: "POST", form: { intent: "cancel-erasure" } })).text()).toContain("Your erasure request is cancelled");
    expect(await (await clients.patient.request("/account")).text()).toContain("Ask to erase my account");
  });

  it("after an admin confirms, deletes the account and its health data, keeping only minimal invoices", async () => {
    const { photoPath } = await (async () => {
      const capture = await t.services.db.selectFrom("faceCapture as c").innerJoin("faceSnapshot as s", "s.id", "c.snapshotId").select("c.photoPath").where("s.patientId", "=", patientId).executeTakeFirstOrThrow();
      return { photoPath: capture.photoPath! };
    })();
    const exportFile = (await t.services.db.selectFrom("dataExport").select("filePath").where("userId", "=", patientId).executeTakeFirstOrThrow()).filePath!;
    expect(existsSync(path.resolve(t.services.env.DATA_DIR, "face-photos", photoPath))).toBe(true);

    expect(await (await clients.patient.request("/account", { method: "POST", form: { intent: "request-erasure", understood: "yes" } })).text()).toContain("We have your request");
    const request = await t.services.db.selectFrom("erasureRequest").select("id").where("status", "=", "requested").executeTakeFirstOrThrow();
    // Only an admin decides.
    expect((await clients.therapist.request("/admin", { method: "POST", form: { intent: "erasure", requestId: request.id, decision: "confirm" } })).status).toBe(403);
    const adminPage = await (await clients.admin.request("/admin")).text();
    expect(adminPage).toContain("Confirm erasure of Paula Patient");
    expect(await (await clients.admin.request("/admin", { method: "POST", form: { intent: "erasure", requestId: request.id, decision: "confirm" } })).text()).toContain("Confirmed: the erasure is being carried out");
    await runJobs();

    // The patient is signed out and cannot sign in again.
    expect((await clients.patient.request("/patient")).headers.get("location")).toMatch(/^\/login/);
    expect(await (await createClient(t, "10.90.0.1").request("/login", { method: "POST", form: { email: "patient1@demo.clinic", password: "demo-clinic-2026" } })).text()).toContain("The e-mail or password is not correct");

    // No table holds the diary text, the e-mail address or the name — but the retained invoice's name.
    const tables = await sql<{ tableName: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.services.db);
    for (const { tableName } of tables.rows) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(tableName)}`.execute(t.services.db)).rows;
      const text = JSON.stringify(tableName === "invoice" ? rows.map(({ billed_to: _billed, billedTo: _b, ...rest }) => rest) : rows);
      for (const marker of [MARKER, "patient1@demo.clinic", "Paula Patient"]) expect(text, `${marker} in ${tableName}`).not.toContain(marker);
    }
    for (const table of ["diary_entry", "face_snapshot", "face_capture", "face_consent", "clinical_session", "data_export", "session", "account"] as const) {
      const column = table === "face_capture" ? null : ["session", "account", "data_export"].includes(table) ? "user_id" : "patient_id";
      if (!column) continue;
      const n = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${patientId}`.execute(t.services.db)).rows[0]!.n;
      expect(n, table).toBe(0);
    }
    const invoice = await t.services.db.selectFrom("invoice").selectAll().where("patientId", "=", patientId).executeTakeFirstOrThrow();
    expect(invoice).toMatchObject({ billedTo: "Paula Patient", amountCents: 14500, currency: "EUR", status: "paid", sessionId: null, paymentReference: null });
    expect(invoice.retainUntil!.getUTCFullYear()).toBe(new Date().getUTCFullYear() + 10);
    const user = await t.services.db.selectFrom("user").select(["name", "email"]).where("id", "=", patientId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: "Erased patient", email: `erased-${patientId}@erased.invalid` });

    // Files too.
    expect(existsSync(path.resolve(t.services.env.DATA_DIR, "face-photos", photoPath))).toBe(false);
    expect(existsSync(path.resolve(t.services.env.DATA_DIR, "exports", exportFile))).toBe(false);
    await smtp.waitFor((m) => m.to.includes("patient1@demo.clinic") && /has been erased/.test(m.subject));
    const trail = await t.services.db.selectFrom("auditEvent").select("action").where("patientId", "=", patientId).where("action", "like", "erasure.%").execute();
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(["erasure.requested", "erasure.cancelled", "erasure.confirmed", "erasure.done"]));

    // The therapist no longer sees the patient's diary.
    expect((await clients.therapist.request(`/therapist/patients/${patientId}/diary`)).status).not.toBe(200);

    // When the retention ends, the invoice goes too.
    expect(await purgeExpiredRetention(t.services)).toBe(0);
    const later = { ...t.services, now: () => new Date(invoice.retainUntil!.getTime() + 1000) };
    expect(await purgeExpiredRetention(later)).toBe(1);
  });

  it("a declined request shows the admin's reason to the patient, and erases nothing", async () => {
    const other = createClient(t, "10.90.0.2");
    await signInAs(other, "patient2@demo.clinic");
    await other.request("/account", { method: "POST", form: { intent: "request-erasure", understood: "yes" } });
    const otherId = (await t.services.db.selectFrom("user").select("id").where("email", "=", "patient2@demo.clinic").executeTakeFirstOrThrow()).id;
    const request = await t.services.db.selectFrom("erasureRequest").select("id").where("status", "=", "requested").where("patientId", "=", otherId).executeTakeFirstOrThrow();
    const noReason = await clients.admin.request("/admin", { method: "POST", form: { intent: "erasure", requestId: request.id, decision: "decline", reason: "" } });
    expect(await noReason.text()).toContain("Say why, for the patient");
    await clients.admin.request("/admin", { method: "POST", form: { intent: "erasure", requestId: request.id, decision: "decline", reason: "An insurance claim about your sessions is open" } });
    await runJobs();
    expect((await (await other.request("/account")).text()).replace(/<!-- -->/g, "")).toContain("Your last request was declined: An insurance claim about your sessions is open");
    expect((await other.request("/patient")).status).toBe(200);
  });
});

describe("erasure without an SMTP server (mail kept in the local outbox)", () => {
  it("does not store the erased address again in the outbox", async () => {
    const t = await createTestApp({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    try {
      expect(t.services.mailer.kind).toBe("outbox");
      const clients = await signedInClients(t);
      await clients.patient.request("/account", { method: "POST", form: { intent: "request-erasure", understood: "yes" } });
      const request = await t.services.db.selectFrom("erasureRequest").select("id").executeTakeFirstOrThrow();
      await clients.admin.request("/admin", { method: "POST", form: { intent: "erasure", requestId: request.id, decision: "confirm" } });
      await createJobWorker(t.services, allJobHandlers()).runDueJobs();
      expect(await t.services.db.selectFrom("erasureRequest").select("status").executeTakeFirstOrThrow()).toEqual({ status: "done" });
      expect(await t.services.db.selectFrom("outboxEmail").select("id").where("toAddress", "=", "patient1@demo.clinic").execute()).toEqual([]);
    } finally {
      await t.dispose();
    }
  });
});
