import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { createJobWorker } from "../../server/jobs/worker";
import { allJobHandlers } from "../../server/job-handlers";
import { databaseKinds } from "../setup/databases";
import { seedPatientRecord } from "../setup/patient-record";
import { pdfText } from "../setup/pdf-text";
import { type Client, signedInClients } from "../setup/sign-in";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createTestApp, type TestApp } from "../setup/test-app";

describe.each(databaseKinds)("patients' data export on %s", (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let clients: Record<Role, Client>;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ kind, smtpUrl: smtp.url });
    clients = await signedInClients(t);
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
  });

  it("prepares every record of the patient in the background as one archive, for them only", async () => {
    const record = await seedPatientRecord(t.services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "EXPORT-RECORD-9", diaryEntries: 2, snapshots: 1 });
    const diaryText = "Smiling felt easier this week EXPORT-CHECK-42";
    const written = await clients.patient.request("/diary/new", { method: "POST", form: { entryDate: new Date().toISOString().slice(0, 10), body: diaryText, next: "entry", tension: "3", pain: "1", tearing: "0", synkinesis: "2", eating: "1" } });
    expect([302, 303]).toContain(written.status);

    expect(await (await clients.patient.request("/account", { method: "POST", form: { intent: "export" } })).text()).toContain("We are preparing your archive");
    const started = performance.now();
    const summary = await createJobWorker(t.services, allJobHandlers()).runDueJobs();
    const preparedMs = performance.now() - started;
    expect(summary).toBeTruthy();
    expect(preparedMs).toBeGreaterThan(0);
    await smtp.waitFor((m) => m.to.includes("patient1@demo.clinic") && /data is ready/.test(m.subject));

    const page = await (await clients.patient.request("/account")).text();
    const id = page.match(/\/account\/export\/([0-9a-f-]{36})/)![1]!;
    const download = await clients.patient.request(`/account/export/${id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="my-data-/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["README.txt", "data.json"]));
    // Printable copies: one homework sheet per session with homework, one PDF per invoice, the kept photos.
    const names = Object.keys(files);
    expect(names.filter((n) => n.startsWith("invoices/") && n.endsWith(".pdf"))).toHaveLength(record.invoiceIds.length);
    expect(names.filter((n) => n.startsWith("homework/") && n.endsWith(".pdf")).length).toBeGreaterThan(0);
    expect(names.some((n) => n.startsWith("photos/"))).toBe(true);
    const invoicePdf = names.find((n) => n.startsWith("invoices/"))!;
    expect(strFromU8(files[invoicePdf]!.slice(0, 5))).toBe("%PDF-");
    expect(pdfText(Buffer.from(files[invoicePdf]!))).toContain("Paula Patient");
    const homeworkPdf = names.find((n) => n.startsWith("homework/"))!;
    expect(pdfText(Buffer.from(files[homeworkPdf]!))).toContain("Your homework");
    const data = JSON.parse(strFromU8(files["data.json"]!)).data as Record<string, Record<string, unknown>[]>;
    expect(data.profile![0]).toMatchObject({ email: "patient1@demo.clinic" });
    expect(JSON.stringify(data.diary_entry)).toContain("EXPORT-CHECK-42");
    expect(data.clinical_session?.length).toBeGreaterThan(0);
    const raw = strFromU8(files["data.json"]!);
    for (const secret of ["password", "\"token\""]) expect(raw).not.toContain(secret);

    // Nobody else can fetch it.
    expect((await clients.therapist.request(`/account/export/${id}`)).status).toBe(403);
    const other = (await import("../setup/test-app")).createClient(t, "10.60.0.1");
    await other.request("/login", { method: "POST", form: { email: "patient2@demo.clinic", password: "demo-clinic-2026" } });
    expect((await other.request(`/account/export/${id}`)).status).toBe(404);
  });
});
