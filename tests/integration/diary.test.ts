import { signInAs } from "../setup/sign-in";
/**
 * The diary over HTTP with the real app on both databases: who may read a diary and its snapshots, bad
 * snapshot and photo uploads (clear error, nothing stored), consent withdrawal, recompute on a new
 * algorithm version, and the "diary due" e-mail through the job queue.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { framedFixtureCapture, rotateCapture3d, fixtureCapture } from "../../server/domain/symmetry/test-support";
import { SYMMETRY_ALGORITHM_VERSION } from "../../server/domain/symmetry";
import { diaryJobHandlers } from "../../server/services/diary/job-handlers";
import { createJobWorker } from "../../server/jobs/worker";
import { DEMO_USERS, seedDemo } from "../../server/services/demo-clinic";
import { recomputeStaleSnapshots } from "../../server/services/diary";
import { databaseKinds } from "../setup/databases";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createClient, createTestApp, type TestApp } from "../setup/test-app";

type Client = ReturnType<typeof createClient>;
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

const capture = (name: string, expression: string) => framedFixtureCapture(name, expression as never);
const goodSnapshot = () => ({ captures: [capture("london-004_rest.jpg", "rest"), capture("london-004_smile.jpg", "big_smile")] });

describe.each(databaseKinds)("diary on %s", (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let dataDir: string;
  let now = new Date("2026-03-02T09:00:00Z");
  const c: Record<string, Client> = {};
  const ids: Record<string, string> = {};

  async function signIn(email: string, ip: string): Promise<Client> {
    const client = createClient(t, ip);
    const r = await signInAs(client, email);
    expect(r.status).toBe(302);
    return client;
  }
  const count = async (table: "faceSnapshot" | "faceCapture" | "diaryEntry") => Number((await t.services.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    dataDir = mkdtempSync(path.join(tmpdir(), "diary-test-"));
    t = await createTestApp({ kind, smtpUrl: smtp.url, now: () => new Date(now), env: { DATA_DIR: dataDir, UPLOAD_LIMIT_BYTES: "50000" } });
    await seedDemo(t.services);
    let n = 20;
    for (const u of ["patient1", "patient2", "therapist1", "therapist2", "planner", "admin"]) {
      c[u] = await signIn(`${u}@demo.clinic`, `10.9.0.${n++}`);
      ids[u] = (await t.services.db.selectFrom("user").select("id").where("email", "=", `${u}@demo.clinic`).executeTakeFirstOrThrow()).id;
    }
    expect(DEMO_USERS.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await t?.dispose();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a snapshot without consent, then stores a valid one with its measures and algorithm version", async () => {
    const before = await c.patient1!.request("/api/diary/snapshots", { method: "POST", json: goodSnapshot() });
    expect(before.status).toBe(422);
    expect((await before.json()).error).toBe("CONSENT_REQUIRED");
    const consent = await c.patient1!.request("/diary/consent", { method: "POST", form: { scope: "landmarks", agree: "yes" } });
    expect(consent.status).toBeLessThan(400);
    const r = await c.patient1!.request("/api/diary/snapshots", { method: "POST", json: goodSnapshot() });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { snapshotId: string; entryId: string; keyMeasures: { key: string; value: number }[] };
    ids.snapshot = body.snapshotId;
    ids.entry = body.entryId;
    expect(body.keyMeasures.map((m) => m.key)).toContain("commissureHeight");
    expect(body.keyMeasures.find((m) => m.key === "smileMovementRatio")!.value).toBeGreaterThan(50);
    const row = await t.services.db.selectFrom("faceSnapshot").selectAll().where("id", "=", body.snapshotId).executeTakeFirstOrThrow();
    expect(row.algorithmVersion).toBe(SYMMETRY_ALGORITHM_VERSION);
    expect(row.affectedSide).toBe(null); // demo patient has no intake
    const caps = await t.services.db.selectFrom("faceCapture").selectAll().where("snapshotId", "=", body.snapshotId).execute();
    expect(caps.map((x) => x.landmarks.length)).toEqual([478, 478]);
    // Each expression is the median of its ten frames; the frames are kept, and so is the spread of each measure.
    expect(caps.map((x) => x.frames?.length)).toEqual([10, 10]);
    const stored = row.measures as { expressions: { spread?: { frames: number; leftMinusRightSd: Record<string, number> } }[] };
    expect(stored.expressions[0]!.spread!.frames).toBe(10);
    expect(stored.expressions[0]!.spread!.leftMinusRightSd.commissureHeight).toBeGreaterThan(0);
    expect(caps.every((x) => x.photoPath === null)).toBe(true);
  });

  it("only the patient and their therapists can read the diary, the trend and the snapshot", async () => {
    const paths = [`/api/diary/patients/${ids.patient1}`, `/api/diary/patients/${ids.patient1}/trend`, `/api/diary/snapshots/${ids.snapshot}`, `/diary/entries/${ids.entry}`];
    for (const p of paths) {
      expect((await c.patient1!.request(p)).status, `patient1 ${p}`).toBe(200);
      expect((await c.therapist1!.request(p)).status, `therapist1 ${p}`).toBe(200);
      for (const who of ["patient2", "therapist2", "planner", "admin"]) expect((await c[who]!.request(p)).status, `${who} ${p}`).toBe(403);
    }
    expect((await c.therapist2!.request(`/therapist/patients/${ids.patient1}/diary`)).status).toBe(403);
    expect((await c.therapist1!.request(`/therapist/patients/${ids.patient1}/diary`)).status).toBe(200);
    expect((await c.therapist1!.request(`/api/diary/patients/no-such-patient`)).status).toBe(404);
    // Another patient cannot attach a snapshot to patient1's entry.
    await c.patient2!.request("/diary/consent", { method: "POST", form: { scope: "landmarks", agree: "yes" } });
    const steal = await c.patient2!.request("/api/diary/snapshots", { method: "POST", json: { ...goodSnapshot(), entryId: ids.entry } });
    expect(steal.status).toBe(403);
    // Reads are audit-logged.
    const audits = await t.services.db.selectFrom("auditEvent").select(["action", "actorId", "recordId"]).where("patientId", "=", ids.patient1!).execute();
    expect(audits.some((a) => a.action === "snapshot.read" && a.actorId === ids.therapist1 && a.recordId === ids.snapshot)).toBe(true);
  });

  it("bad snapshots get a clear error naming the field and store nothing", async () => {
    const before = [await count("faceSnapshot"), await count("faceCapture"), await count("diaryEntry")];
    const post = (json: unknown) => c.patient1!.request("/api/diary/snapshots", { method: "POST", json });
    const wrongCount = goodSnapshot();
    wrongCount.captures[0]!.frames[3]!.landmarks = wrongCount.captures[0]!.frames[3]!.landmarks.slice(0, 468);
    let r = await post(wrongCount);
    expect(r.status).toBe(422);
    let body = (await r.json()) as { error: string; fieldErrors: Record<string, string> };
    expect(body.error).toBe("INVALID_SNAPSHOT");
    expect(body.fieldErrors["captures[0].frames[3].landmarks"]).toMatch(/exactly 478 landmarks/);

    const nan = goodSnapshot() as unknown as { captures: { frames: { landmarks: unknown[] }[] }[] };
    nan.captures[1]!.frames[0]!.landmarks[12] = [0.5, "NaN", 0];
    r = await post(nan);
    body = await r.json();
    expect(r.status).toBe(422);
    expect(body.fieldErrors["captures[1].frames[0].landmarks[12].y"]).toMatch(/finite number/);

    const tiny = goodSnapshot();
    for (const f of tiny.captures[0]!.frames) f.landmarks = f.landmarks.map(([x, y, z]) => [0.5 + (x - 0.5) * 0.15, 0.5 + (y - 0.5) * 0.15, z * 0.15]);
    r = await post(tiny);
    body = await r.json();
    expect(r.status).toBe(422);
    expect(body.fieldErrors["captures[0].frames[0].landmarks"]).toMatch(/implausible face size/);

    // Fewer than ten frames: one frame is not a measurement.
    const few = goodSnapshot();
    few.captures[0]!.frames = few.captures[0]!.frames.slice(0, 3);
    r = await post(few);
    body = await r.json();
    expect(r.status).toBe(422);
    expect(body.fieldErrors["captures[0].frames"]).toMatch(/10–30 accepted frames of the expression \(got 3\)/);

    // The head turned 15° (only the landmarks: the matrix says frontal) is refused, naming the gate.
    const turned = goodSnapshot();
    const rotated = rotateCapture3d(fixtureCapture("london-004_rest.jpg"), 15, 0);
    turned.captures[0]!.frames[5]!.landmarks = rotated.landmarks.map((l) => [l.x, l.y, l.z]);
    r = await post(turned);
    body = await r.json();
    expect(r.status).toBe(422);
    expect(body.error).toBe("CAPTURE_REFUSED");
    expect(body.fieldErrors["captures[0].frames[5]"]).toMatch(/^yaw gate: the head is turned 1\d\.\d° \(yaw, by the face points\); at most 10° is accepted/);

    // A resting face stored as a smile is refused: the blendshapes say it was no smile.
    const notSmiling = { captures: [capture("london-004_rest.jpg", "rest"), capture("london-004_rest.jpg", "big_smile")] };
    r = await post(notSmiling);
    body = await r.json();
    expect(r.status).toBe(422);
    expect(body.fieldErrors["captures[1].expression"]).toBe("This did not look like a big smile \u2014 let's try again.");

    r = await post({ captures: "nope" });
    expect(r.status).toBe(422);
    expect([await count("faceSnapshot"), await count("faceCapture"), await count("diaryEntry")]).toEqual(before);
  });

  it("photos need the second opt-in and are checked by magic bytes and size, stored outside served folders", async () => {
    const url = `/api/diary/snapshots/${ids.snapshot}/photos/rest`;
    const send = (bytes: Uint8Array, type = "image/jpeg") => c.patient1!.request(url, { method: "POST", body: Buffer.from(bytes), headers: { "content-type": type } });
    expect((await send(JPEG)).status).toBe(422); // no photo consent yet
    await c.patient1!.request("/diary/consent", { method: "POST", form: { scope: "photos", agree: "yes" } });
    let r = await send(new TextEncoder().encode("<html><script>alert(1)</script></html>"), "image/jpeg");
    expect(r.status).toBe(422);
    expect((await r.json()).fieldErrors.photo).toMatch(/not a JPEG, PNG or WebP/);
    r = await send(new Uint8Array(60_000).fill(0xff));
    expect(r.status).toBe(413);
    expect((await r.json()).fieldErrors.photo).toMatch(/too large/);
    expect(await t.services.db.selectFrom("faceCapture").select("id").where("photoPath", "is not", null).execute()).toEqual([]);
    r = await send(JPEG);
    expect(r.status).toBe(201);
    const { captureId } = (await r.json()) as { captureId: string };
    const stored = await t.services.db.selectFrom("faceCapture").select("photoPath").where("id", "=", captureId).executeTakeFirstOrThrow();
    expect(path.resolve(dataDir, "face-photos", stored.photoPath!).startsWith(dataDir)).toBe(true);
    const photo = await c.therapist1!.request(`/api/diary/photos/${captureId}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get("cache-control")).toContain("no-store");
    expect((await c.therapist2!.request(`/api/diary/photos/${captureId}`)).status).toBe(403);
  });

  it("recomputes measures stored with an older algorithm version from the stored landmarks", async () => {
    await t.services.db.updateTable("faceSnapshot").set({ algorithmVersion: "0.0.1", measures: JSON.stringify({ stale: true }) }).where("id", "=", ids.snapshot!).execute();
    expect(await recomputeStaleSnapshots(t.services)).toBe(1);
    const row = await t.services.db.selectFrom("faceSnapshot").selectAll().where("id", "=", ids.snapshot!).executeTakeFirstOrThrow();
    expect(row.algorithmVersion).toBe(SYMMETRY_ALGORITHM_VERSION);
    expect((row.measures as { expressions: unknown[] }).expressions).toHaveLength(2);
    expect(await recomputeStaleSnapshots(t.services)).toBe(0);
    // Reading also refreshes a stale row.
    await t.services.db.updateTable("faceSnapshot").set({ algorithmVersion: "0.0.1" }).where("id", "=", ids.snapshot!).execute();
    const trend = (await (await c.patient1!.request(`/api/diary/patients/${ids.patient1}/trend`)).json()) as { series: { def: { key: string }; points: unknown[] }[] };
    expect(trend.series.find((s) => s.def.key === "commissureHeight")!.points).toHaveLength(1);
    expect((await t.services.db.selectFrom("faceSnapshot").select("algorithmVersion").where("id", "=", ids.snapshot!).executeTakeFirstOrThrow()).algorithmVersion).toBe(SYMMETRY_ALGORITHM_VERSION);
  });

  it("sends the 'diary due' e-mail through the queue at the interval after the last entry, once", async () => {
    const r = await c.patient2!.request("/diary/new", { method: "POST", form: { entryDate: "2026-03-02", body: "Tired face today.", tension: "4" } });
    expect(r.status).toBe(302);
    const bad = await c.patient2!.request("/diary/new", { method: "POST", form: { entryDate: "2026-03-02", body: "", pain: "11" } });
    expect(bad.status).toBe(200);
    const worker = createJobWorker(t.services, diaryJobHandlers(), { workerId: "diary-test" });
    now = new Date("2026-03-16T08:59:00Z");
    await worker.runDueJobs();
    expect(smtp.messages.filter((m) => m.subject === "Your face observation diary is due")).toHaveLength(0);
    now = new Date("2026-03-16T09:00:00Z");
    await worker.runDueJobs();
    const due = smtp.messages.filter((m) => m.subject === "Your face observation diary is due");
    expect(due).toHaveLength(1);
    expect(due[0]!.to.join(",")).toContain("patient2@demo.clinic");
    expect(due[0]!.text).toContain("/diary/new");
    expect(due[0]!.text).not.toContain("Tired face");
    now = new Date("2026-03-17T09:00:00Z");
    await worker.runDueJobs();
    expect(smtp.messages.filter((m) => m.subject === "Your face observation diary is due")).toHaveLength(1);
    await worker.stop();
  });

  it("withdrawing consent deletes landmarks, measures and photos; the diary text stays", async () => {
    const r = await c.patient1!.request("/diary/consent", { method: "POST", form: { intent: "withdraw", scope: "all" } });
    expect(r.status).toBe(200);
    expect(await t.services.db.selectFrom("faceSnapshot").select("id").where("patientId", "=", ids.patient1!).execute()).toEqual([]);
    expect(await t.services.db.selectFrom("faceCapture").select("id").where("snapshotId", "=", ids.snapshot!).execute()).toEqual([]);
    expect(await t.services.db.selectFrom("diaryEntry").select("id").where("id", "=", ids.entry!).execute()).toHaveLength(1);
    const photoDir = path.join(dataDir, "face-photos");
    const left = readdirSync(photoDir, { recursive: true }).filter((f) => String(f).includes("."));
    expect(left).toEqual([]);
    const consent = await t.services.db.selectFrom("faceConsent").select(["scope", "withdrawnAt"]).where("patientId", "=", ids.patient1!).execute();
    expect(consent.every((x) => x.withdrawnAt !== null)).toBe(true);
    expect((await c.patient1!.request("/api/diary/snapshots", { method: "POST", json: goodSnapshot() })).status).toBe(422);
  });
});
