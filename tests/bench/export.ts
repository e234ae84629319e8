/**
 * Time to prepare a patient's full data export (GDPR art. 15/20): from the patient's request on the
 * account page over HTTP to the background job having written the archive, with the real job worker
 * polling as in production. The patient has a full program's worth of data: consultation, 2 modules ×
 * 6 sessions, conclusion, homework in every session with practice logs, 20 diary entries (10 of them
 * snapshots with 2 kept photos each), invoices.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseKind } from "../../db/client";
import { allJobHandlers } from "../../server/job-handlers";
import { createJobWorker } from "../../server/jobs/worker";
import { seedDemo } from "../../server/services/demo-clinic";
import { seedPatientRecord } from "../setup/patient-record";
import { startTestServer } from "../setup/test-server";
import { send, sessionCookie } from "./api-latency";
import { percentile } from "./calls";

const RUNS = 3;
const PHOTO_BYTES = 150_000;
const POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** A photo as the store sees it: JPEG magic bytes, then incompressible bytes like a real JPEG's. */
function photo(): Uint8Array {
  const bytes = randomBytes(PHOTO_BYTES);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return new Uint8Array(bytes);
}

async function measure(kind: DatabaseKind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-export-"));
  const s = await startTestServer({ kind, env: { AUTH_RATE_LIMIT_MAX: "100000", DATA_DIR: dataDir } });
  const worker = createJobWorker(s.services, allJobHandlers());
  try {
    await seedDemo(s.services);
    const record = await seedPatientRecord(s.services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "EXPORT", modules: 2, diaryEntries: 10, snapshots: 10, photo: photo() });
    const cookie = await sessionCookie(s, "patient1@demo.clinic");
    worker.start();
    const times: number[] = [];
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const status = await send(s.url, "/account", { cookie, form: { intent: "export" } });
      if (status >= 400) throw new Error(`export request refused: ${status}`);
      for (;;) {
        const latest = await s.services.db.selectFrom("dataExport").select(["status", "sizeBytes", "requestedAt"]).where("userId", "=", record.patientId).orderBy("requestedAt", "desc").executeTakeFirstOrThrow();
        const done = await s.services.db.selectFrom("dataExport").select((eb) => eb.fn.countAll<string>().as("n")).where("userId", "=", record.patientId).where("status", "=", "ready").executeTakeFirstOrThrow();
        if (Number(done.n) === run + 1) {
          size = latest.sizeBytes ?? 0;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      times.push(performance.now() - started);
    }
    return {
      database: kind,
      sessions: record.sessionIds.length + 2, // + consultation and conclusion
      "diary entries": record.entryIds.length,
      photos: record.captureIds.length,
      invoices: record.invoiceIds.length,
      "practice logs": record.practiceIds.length,
      runs: RUNS,
      "request → ready, median ms": Math.round(percentile(times, 50)),
      "max ms": Math.round(Math.max(...times)),
      "job poll interval ms": 1000,
      "archive kB": Math.round(size / 1024),
      target: "well under 60 s",
    };
  } finally {
    await worker.stop();
    await s.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runExportBench(): Promise<Record<string, string | number>[]> {
  process.env.TEST_DATABASE_URL ??= POSTGRES_ADMIN_URL;
  return [await measure("pglite"), await measure("postgres")];
}
