import { signInAs } from "../setup/sign-in";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { getRequestListener } from "@hono/node-server";
import { sql } from "kysely";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { createApp } from "../../server/app";
import { type HomeworkItem } from "../../server/domain/collab/homework-list";
import { parseEnv } from "../../server/env";
import { allJobHandlers } from "../../server/job-handlers";
import { createJobWorker } from "../../server/jobs/worker";
import { createLogger } from "../../server/logger";
import { attachRealtime } from "../../server/realtime/socket-server";
import { createServices, lateNotifier } from "../../server/services/create-services";
import { seedDemo } from "../../server/services/demo-clinic";
import { adherenceForTherapist, logPractice } from "../../server/services/homework/homework";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../setup/databases";
import { pdfText } from "../setup/pdf-text";
import { startTestSmtpServer, type TestSmtpServer } from "../setup/smtp";
import { createClient, loadBuild, TEST_ORIGIN } from "../setup/test-app";

type Ack = { ok: boolean; error?: string; message?: string; data?: any };

/** The real app + socket.io on `database` (so a second one can start on the same data: a restart). */
async function serve(database: DatabaseHandle, options: { smtpUrl: string; dataDir: string }) {
  const notifier = lateNotifier();
  const env = parseEnv({ APP_ENV: "test", PUBLIC_URL: TEST_ORIGIN, SMTP_URL: options.smtpUrl, AUTH_RATE_LIMIT_MAX: "100", LOG_LEVEL: "silent", AUTH_SECRET: "board-test-secret-0123456789abcdef0123", DATA_DIR: options.dataDir, UPLOAD_LIMIT_BYTES: "200000" });
  const services = createServices({ env, database, logger: createLogger(env.LOG_LEVEL), notifier });
  const app = createApp({ services, getBuild: () => loadBuild(), mode: "production" });
  const httpServer = createServer(getRequestListener(app.fetch));
  const realtime = attachRealtime(httpServer, services);
  notifier.target = realtime.notifier;
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  const t = { app, services, database: database as TestDatabase, dispose: async () => {} };
  return {
    services,
    url,
    client: (ip: string) => createClient(t, ip),
    async socket(cookie: string): Promise<Socket> {
      const s = connect(url, { transports: ["websocket"], reconnection: false, extraHeaders: { origin: TEST_ORIGIN, cookie } });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once("connect", () => resolve());
        s.once("connect_error", reject);
      });
      return s;
    },
    async close() {
      for (const s of sockets) s.close();
      // Let the server record the call leaves of the closed sockets before the database goes away.
      await new Promise((r) => setTimeout(r, 300));
      await realtime.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await services.mailer.close();
    },
  };
}
type Served = Awaited<ReturnType<typeof serve>>;

async function logIn(server: Served, email: string, ip: string) {
  const client = server.client(ip);
  const response = await signInAs(client, email);
  expect(response.status).toBe(302);
  return client;
}

let shifts = 0;
async function liveSession(server: Served, therapistEmail: string, patientEmail: string): Promise<string> {
  const { db } = server.services;
  const therapist = await db.selectFrom("user").select("id").where("email", "=", therapistEmail).executeTakeFirstOrThrow();
  const patient = await db.selectFrom("user").select("id").where("email", "=", patientEmail).executeTakeFirstOrThrow();
  const now = Date.now();
  // One session at a time per therapist and patient (exclusion constraints): the current one moves back.
  shifts += 1;
  await db
    .updateTable("clinicalSession")
    .set((eb) => ({ startsAt: sql`${eb.ref("startsAt")} - ${`${shifts * 2} hours`}::interval`, endsAt: sql`${eb.ref("endsAt")} - ${`${shifts * 2} hours`}::interval` }))
    .where((eb) => eb.or([eb("therapistId", "=", therapist.id), eb("patientId", "=", patient.id)]))
    .where("startsAt", ">", new Date(now - 3_600_000))
    .execute();
  const row = await db
    .insertInto("clinicalSession")
    .values({ kind: "supporting", therapistId: therapist.id, patientId: patient.id, programId: null, sequence: null, startsAt: new Date(now - 5 * 60_000), endsAt: new Date(now + 85 * 60_000), cancelledAt: null, cancelReason: null, createdBy: null, updatedAt: new Date(now) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Joins the call (auto-admitted) and opens the board. */
async function enter(socket: Socket, sessionId: string, peerId: string): Promise<Ack> {
  const join = (await socket.emitWithAck("call:join", { sessionId, peerId })) as Ack;
  expect(join).toMatchObject({ ok: true, data: { state: "joined" } });
  return (await socket.emitWithAck("board:join", { sessionId })) as Ack;
}

const rect = (id: string, version = 1, extra: Record<string, unknown> = {}) => ({ id, type: "rectangle", x: 10, y: 20, width: 100, height: 50, version, versionNonce: 1000 + version, isDeleted: false, index: "a0", ...extra });
const item = (id: string, title: string, dosage: Partial<HomeworkItem> = {}): HomeworkItem => ({
  id,
  version: 1,
  versionNonce: 7,
  isDeleted: false,
  order: id === "hw-1" ? "V" : "W",
  techniqueId: null,
  title,
  notes: "Slowly, in front of a mirror",
  illustrationIds: [],
  repetitions: 10,
  sets: 2,
  timesPerDay: 2,
  minutes: 5,
  ...dosage,
});

/** Resolves with the next `event` on `socket`, or "none" after `ms`. */
function next(socket: Socket, event: string, ms = 300): Promise<any> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      resolve("none");
    }, ms);
    const on = (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, on);
  });
}

describe.each(databaseKinds)("whiteboard and homework over socket.io (%s)", (kind) => {
  let smtp: TestSmtpServer;
  let dataDir: string;
  let database: TestDatabase;
  let pgliteDir: string | undefined;
  let server: Served;
  let reopen: () => DatabaseHandle;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    dataDir = mkdtempSync(path.join(tmpdir(), "board-test-"));
    if (kind === "pglite") {
      pgliteDir = path.join(dataDir, "pglite");
      reopen = () => openDatabase({ pgliteDir });
      handle = reopen();
      await migrateToLatest(handle.db);
    } else {
      database = await createTestDatabase("postgres");
      reopen = () => openDatabase({ url: database.url! });
      handle = reopen();
    }
    server = await serve(handle, { smtpUrl: smtp.url, dataDir });
    await seedDemo(server.services);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await handle?.close();
    await database?.dispose();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("relays changes to the other participant and keeps what it acknowledged across a server restart", async () => {
    const sessionId = await liveSession(server, "therapist1@demo.clinic", "patient1@demo.clinic");
    const therapistHttp = await logIn(server, "therapist1@demo.clinic", "10.2.0.1");
    const patientHttp = await logIn(server, "patient1@demo.clinic", "10.2.0.2");
    const therapist = await server.socket(therapistHttp.cookieHeader());
    const patient = await server.socket(patientHttp.cookieHeader());
    await therapist.emitWithAck("call:join", { sessionId, peerId: "therapist-peer-1" });
    expect(await therapist.emitWithAck("call:auto-admit", { sessionId, autoAdmit: true })).toMatchObject({ ok: true });
    expect(await enter(therapist, sessionId, "therapist-peer-1")).toMatchObject({ ok: true, data: { role: "therapist", locked: false } });
    expect(await enter(patient, sessionId, "patient-peer-01")).toMatchObject({ ok: true, data: { role: "patient" } });

    const relayed = next(patient, "board:update", 2000);
    const ack = (await therapist.emitWithAck("board:update", { sessionId, ackId: "t-1", pageId: "page-1", elements: [rect("shape-1"), rect("shape-2")] })) as Ack;
    expect(ack).toMatchObject({ ok: true, data: { ackId: "t-1", ok: true } });
    expect((await relayed).elements.map((e: { id: string }) => e.id)).toEqual(["shape-1", "shape-2"]);
    // Both at once: each keeps the other's work; the higher version of shape-1 wins everywhere.
    const [a, b] = await Promise.all([
      patient.emitWithAck("board:update", { sessionId, ackId: "p-1", pageId: "page-1", elements: [rect("shape-1", 2, { x: 99 }), rect("patient-shape", 1)] }),
      therapist.emitWithAck("board:update", { sessionId, ackId: "t-2", pageId: "page-1", elements: [rect("therapist-shape", 1)] }),
    ]);
    expect([a, b]).toMatchObject([{ ok: true }, { ok: true }]);
    expect(await therapist.emitWithAck("board:page", { sessionId, ackId: "t-3", pages: [{ id: "page-2", version: 1, versionNonce: 3, isDeleted: false, index: "W", title: "Page 2" }] })).toMatchObject({ ok: true });
    expect(await therapist.emitWithAck("homework:upsert", { sessionId, ackId: "t-4", items: [item("hw-1", "Gentle eyebrow lift")] })).toMatchObject({ ok: true });

    // Restart: the server goes away and a new one starts on the same database.
    await server.close();
    await handle.close();
    handle = reopen();
    server = await serve(handle, { smtpUrl: smtp.url, dataDir });
    const again = await server.socket(therapistHttp.cookieHeader());
    const state = (await enter(again, sessionId, "therapist-peer-1")).data;
    const elements = state.board.elementsByPage["page-1"] as { id: string; version: number; x: number }[];
    expect(elements.map((e) => [e.id, e.version]).sort()).toEqual([
      ["patient-shape", 1],
      ["shape-1", 2],
      ["shape-2", 1],
      ["therapist-shape", 1],
    ]);
    expect(elements.find((e) => e.id === "shape-1")!.x).toBe(99);
    expect(state.board.pages.map((p: { id: string }) => p.id)).toEqual(["page-1", "page-2"]);
    expect(state.homework.map((i: HomeworkItem) => i.title)).toEqual(["Gentle eyebrow lift"]);
    // The same board over HTTP, for its participants.
    const patientAgain = server.client("10.2.0.2");
    for (const [k, v] of patientHttp.jar) patientAgain.jar.set(k, v);
    const http = await patientAgain.request(`/api/sessions/${sessionId}/board`);
    expect(http.status).toBe(200);
    expect(((await http.json()) as any).board.elementsByPage["page-1"]).toHaveLength(4);
  }, 60_000);

  it("keeps one session's board and homework away from the participants of another", async () => {
    const mine = await liveSession(server, "therapist1@demo.clinic", "patient2@demo.clinic");
    const theirs = await liveSession(server, "therapist2@demo.clinic", "patient3@demo.clinic");
    const t2 = await logIn(server, "therapist2@demo.clinic", "10.2.0.3");
    const t2Socket = await server.socket(t2.cookieHeader());
    await enter(t2Socket, theirs, "therapist2-peer1");
    expect(await t2Socket.emitWithAck("board:update", { sessionId: theirs, ackId: "x-1", pageId: "page-1", elements: [rect("secret")] })).toMatchObject({ ok: true });

    const outsider = await logIn(server, "patient2@demo.clinic", "10.2.0.4");
    const outsiderTherapist = await logIn(server, "therapist1@demo.clinic", "10.2.0.5");
    for (const client of [outsider, outsiderTherapist]) {
      for (const url of [`/api/sessions/${theirs}/board`, `/api/sessions/${theirs}/homework`, `/api/sessions/${theirs}/homework-pdf`, `/api/sessions/${theirs}/illustrations`]) {
        expect((await client.request(url)).status, url).toBe(403);
      }
    }
    // A participant of `mine` (in its call) cannot open, read or write `theirs` over the socket.
    const socket = await server.socket(outsiderTherapist.cookieHeader());
    await enter(socket, mine, "therapist1-peer9");
    const relay = next(t2Socket, "board:update");
    expect(await socket.emitWithAck("board:join", { sessionId: theirs })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    expect(await socket.emitWithAck("call:join", { sessionId: theirs, peerId: "therapist1-peer9" })).toMatchObject({ ok: false, error: "FORBIDDEN" });
    expect(await socket.emitWithAck("board:update", { sessionId: theirs, ackId: "y-1", pageId: "page-1", elements: [rect("intruder")] })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    expect(await socket.emitWithAck("homework:upsert", { sessionId: theirs, ackId: "y-2", items: [item("hw-1", "Intrusion")] })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    expect(await socket.emitWithAck("board:pointer", { sessionId: theirs, pageId: "page-1", x: 1, y: 2 })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    // Naming the other session inside a message of one's own session is refused too.
    expect(await socket.emitWithAck("board:update", { sessionId: mine, ackId: "y-3", pageId: "page-1", elements: [rect("ok")] })).toMatchObject({ ok: true });
    expect(await relay).toBe("none");
    const theirBoard = (await t2.request(`/api/sessions/${theirs}/board`).then((r) => r.json())) as any;
    expect(theirBoard.board.elementsByPage["page-1"].map((e: { id: string }) => e.id)).toEqual(["secret"]);
    const myBoard = (await outsiderTherapist.request(`/api/sessions/${mine}/board`).then((r) => r.json())) as any;
    expect(myBoard.board.elementsByPage["page-1"].map((e: { id: string }) => e.id)).toEqual(["ok"]);
  }, 60_000);

  it("refuses bad input with a clear error, stores nothing, and leaves the others unaffected", async () => {
    const sessionId = await liveSession(server, "therapist1@demo.clinic", "patient1@demo.clinic");
    const therapistHttp = await logIn(server, "therapist1@demo.clinic", "10.2.0.6");
    const patientHttp = await logIn(server, "patient1@demo.clinic", "10.2.0.7");
    const therapist = await server.socket(therapistHttp.cookieHeader());
    const patient = await server.socket(patientHttp.cookieHeader());
    await therapist.emitWithAck("call:join", { sessionId, peerId: "therapist-peer-2" });
    await therapist.emitWithAck("call:auto-admit", { sessionId, autoAdmit: true });
    await enter(therapist, sessionId, "therapist-peer-2");
    await enter(patient, sessionId, "patient-peer-02");

    const relay = next(patient, "board:update");
    const malformed = (await therapist.emitWithAck("board:update", { sessionId, ackId: "b-1", pageId: "page-1", elements: [rect("fine"), { id: "bad", version: "two", versionNonce: 1, isDeleted: false }] })) as Ack;
    expect(malformed).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    expect(malformed.message).toMatch(/elements\.1\.version must be a whole number/);
    expect(await therapist.emitWithAck("board:update", { sessionId, ackId: "b-2", pageId: "no-such-page", elements: [rect("x")] })).toMatchObject({ ok: false, error: "UNKNOWN_PAGE" });
    expect(await therapist.emitWithAck("board:update", "garbage")).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    for (const repetitions of [0, 10_000]) {
      const ack = (await therapist.emitWithAck("homework:upsert", { sessionId, ackId: `d-${repetitions}`, items: [item("hw-1", "Lip pucker", { repetitions })] })) as Ack;
      expect(ack).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
      expect(ack.message).toMatch(/items\.0\.repetitions must be between 1 and 100/);
    }
    expect(await therapist.emitWithAck("homework:upsert", { sessionId, ackId: "d-3", items: [{ ...item("hw-1", "Lip pucker"), illustrationIds: ["00000000-0000-0000-0000-000000000000"] }] })).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    // The patient may not set homework, nor draw once the board is locked.
    expect(await patient.emitWithAck("homework:upsert", { sessionId, ackId: "p-1", items: [item("hw-9", "Mine")] })).toMatchObject({ ok: false, error: "FORBIDDEN" });
    const lockSeen = next(patient, "board:lock", 2000);
    expect(await therapist.emitWithAck("board:lock", { sessionId, locked: true })).toMatchObject({ ok: true });
    expect(await lockSeen).toMatchObject({ locked: true });
    expect(await patient.emitWithAck("board:update", { sessionId, ackId: "p-2", pageId: "page-1", elements: [rect("locked-out")] })).toMatchObject({ ok: false, error: "BOARD_LOCKED" });
    expect(await relay).toBe("none");
    const stored = await server.services.db.selectFrom("boardElement").select("elementId").where("sessionId", "=", sessionId).execute();
    expect(stored).toEqual([]);
    expect(await server.services.db.selectFrom("homeworkItem").select("itemId").where("sessionId", "=", sessionId).execute()).toEqual([]);

    // Uploads: too large, not an image (even when it claims to be one) → clear errors, no file kept.
    const before = await server.services.db.selectFrom("illustration").select("id").execute();
    const uploads = () => {
      try {
        return readdirSync(path.join(dataDir, "uploads", "illustrations")).length;
      } catch {
        return 0;
      }
    };
    const filesBefore = uploads();
    const big = Buffer.alloc(300_000, 1);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const tooLarge = await therapistHttp.request(`/api/sessions/${sessionId}/illustrations`, { method: "POST", body: big, headers: { "content-type": "image/png" } });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: "FILE_TOO_LARGE" });
    const form = new FormData();
    form.set("file", new File(["<svg onload=alert(1)></svg>"], "face.png", { type: "image/png" }));
    const notImage = await therapistHttp.request(`/api/sessions/${sessionId}/illustrations`, { method: "POST", body: form });
    expect(notImage.status).toBe(422);
    expect(await notImage.json()).toMatchObject({ error: "UNSUPPORTED_FILE_TYPE", message: "Only PNG, JPEG or WebP images can be uploaded." });
    expect(await server.services.db.selectFrom("illustration").select("id").execute()).toHaveLength(before.length);
    expect(uploads()).toBe(filesBefore);
    // A real PNG is stored and served with its type, nosniff and a Content-Disposition, to participants only.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    const created = await therapistHttp.request(`/api/sessions/${sessionId}/illustrations`, { method: "POST", body: png, headers: { "content-type": "application/octet-stream" } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const served = await patientHttp.request(`/api/illustrations/${id}`);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-disposition")).toMatch(/^inline; filename="illustration-[0-9a-f]{8}\.png"$/);
    const stranger = await logIn(server, "patient3@demo.clinic", "10.2.0.8");
    expect((await stranger.request(`/api/illustrations/${id}`)).status).toBe(403);
  }, 60_000);

  it("e-mails the homework with its PDF once when the session ends; the patient's practice reaches the therapist", async () => {
    const sessionId = await liveSession(server, "therapist1@demo.clinic", "patient1@demo.clinic");
    const therapistHttp = await logIn(server, "therapist1@demo.clinic", "10.2.0.9");
    const therapist = await server.socket(therapistHttp.cookieHeader());
    await enter(therapist, sessionId, "therapist-peer-3");
    const techniques = (await therapistHttp.request("/api/techniques").then((r) => r.json())) as { techniques: { id: string; name: string; illustrations: { id: string }[] }[] };
    const [first, second] = techniques.techniques;
    const items = [
      { ...item("hw-1", first.name), techniqueId: first.id, illustrationIds: [first.illustrations[0].id] },
      { ...item("hw-2", second.name), techniqueId: second.id },
    ];
    expect(await therapist.emitWithAck("homework:upsert", { sessionId, ackId: "h-1", items })).toMatchObject({ ok: true });
    expect(await therapist.emitWithAck("call:end", { sessionId })).toMatchObject({ ok: true });
    expect(await therapist.emitWithAck("call:end", { sessionId })).toMatchObject({ ok: true });

    const worker = createJobWorker(server.services, allJobHandlers());
    await worker.runDueJobs();
    await worker.runDueJobs();
    const mail = await smtp.waitFor((m) => m.to.includes("patient1@demo.clinic") && /Your homework/.test(m.subject));
    const pdf = mail.attachments.find((a) => a.contentType === "application/pdf")!;
    expect(pdf.content.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf.content);
    expect(text).toContain(first.name);
    expect(text).toContain(second.name);
    expect(mail.attachments.some((a) => a.contentType === "image/png")).toBe(true);
    expect(smtp.messages.filter((m) => m.subject === mail.subject && m.to.includes("patient1@demo.clinic"))).toHaveLength(1);

    const patient = await server.services.db.selectFrom("user").select(["id", "timeZone"]).where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow();
    const therapistUser = await server.services.db.selectFrom("user").select("id").where("email", "=", "therapist1@demo.clinic").executeTakeFirstOrThrow();
    expect(await logPractice(server.services, { userId: patient.id, role: "patient", timeZone: patient.timeZone }, { minutes: "0" })).toMatchObject({ ok: false, fieldErrors: { minutes: "At least 1 minute" } });
    expect(await logPractice(server.services, { userId: patient.id, role: "patient", timeZone: patient.timeZone }, { minutes: "18", sessionId, itemIds: ["hw-1"] })).toMatchObject({ ok: true });
    const adherence = await adherenceForTherapist(server.services, { userId: therapistUser.id, role: "therapist" }, patient.id);
    expect(adherence[0]!.summary.todayPractices).toBe(1);
    const response = await therapistHttp.request(`/api/adherence?patientId=${patient.id}`);
    expect(((await response.json()) as any).patients[0].summary.todayPractices).toBe(1);
  }, 60_000);
});
