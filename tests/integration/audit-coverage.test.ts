/**
 * The audit trail covers health data: every read and change of intake, session notes, program
 * decisions and plans, invoices, homework (pages, PDF, practice logs, the live board and homework
 * list over socket.io), attendance and the diary is recorded with who did it, the action, the record,
 * the patient and the address it came from — driven here through the real pages, API and sockets as
 * the patient, the therapist and the planner. The table below is the list of audited operations.
 * Afterwards the admin's search by patient lists them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { framedFixtureCapture } from "../../server/domain/symmetry/test-support";
import type { Actor } from "../../server/services/context";
import { seedDemo } from "../../server/services/demo-clinic";
import { proposeSessionPlan } from "../../server/services/journey";
import { saveIntake } from "../../server/services/journey/intake";
import { recordSessionCompleted } from "../../server/services/journey/progress";
import { VALID_INTAKE } from "../../server/services/journey/test-support";
import { localInputValue } from "../../web/components/local-time";
import { databaseKinds } from "../setup/databases";
import { type PatientRecord, seedPatientRecord, TINY_JPEG } from "../setup/patient-record";
import { type Client, signInAs } from "../setup/sign-in";
import { createClient, TEST_ORIGIN } from "../setup/test-app";
import { startTestServer } from "../setup/test-server";

type Who = "patient" | "therapist" | "planner";
const EMAIL: Record<Who, string> = { patient: "patient1@demo.clinic", therapist: "therapist1@demo.clinic", planner: "planner@demo.clinic" };
const IP: Record<Who, string> = { patient: "10.8.0.1", therapist: "10.8.0.2", planner: "10.8.0.3" };
const PLANNER_ZONE = "Europe/Sofia";

type Ack = { ok: boolean; error?: string; data?: unknown };

interface World {
  s: Awaited<ReturnType<typeof startTestServer>>;
  c: Record<Who | "admin", Client>;
  r: PatientRecord;
  /** patient2: their consultation with therapist1 still waits for its outcome. */
  patient2: { id: string; consultationId: string };
  liveSessionId: string;
  sockets: Partial<Record<Who, Socket>>;
  /** Ids made during the run (new entries, snapshots, plans…), by name. */
  made: Record<string, string>;
}

interface Case {
  who: Who;
  action: string;
  /** The record the row names, and the patient it concerns (patient1 unless said). */
  record: (w: World) => string;
  patient?: (w: World) => string;
  run: (w: World) => Promise<void>;
}

async function ok(response: Response | Promise<Response>, status = [200, 201, 204, 302]): Promise<Response> {
  const r = await response;
  if (!status.includes(r.status)) throw new Error(`${r.url || "request"}: ${r.status} ${await r.text()}`);
  return r;
}
const get = (w: World, who: Who | "admin", url: string) => ok(w.c[who].request(url));
const post = (w: World, who: Who, url: string, form: Record<string, string>) => ok(w.c[who].request(url, { method: "POST", form }));
const postJson = (w: World, who: Who, url: string, json: unknown) => ok(w.c[who].request(url, { method: "POST", json }));
async function emit(w: World, who: Who, event: string, payload: unknown): Promise<void> {
  const ack = (await w.sockets[who]!.emitWithAck(event, payload)) as Ack;
  if (!ack.ok) throw new Error(`${event}: ${JSON.stringify(ack)}`);
}

const snapshotBody = () => ({
  captures: (["rest", "big_smile"] as const).map((expression, i) => {
    return framedFixtureCapture(i === 0 ? "london-004_rest.jpg" : "london-004_smile.jpg", expression);
  }),
});

const homeworkItem = (id: string, isDeleted = false) => ({
  id,
  version: isDeleted ? 2 : 1,
  versionNonce: 11,
  isDeleted,
  order: "V",
  techniqueId: null,
  title: "Slow smile",
  notes: "",
  illustrationIds: [],
  repetitions: 10,
  sets: 2,
  timesPerDay: 2,
  minutes: 5,
});

/** What the end of a call does: the sessions are held. */
async function hold(w: World, sessionIds: string[]) {
  for (const id of sessionIds) {
    await w.s.services.db.updateTable("clinicalSession").set({ status: "completed" }).where("id", "=", id).execute();
    await recordSessionCompleted(w.s.services, id);
  }
}

const programSessions = async (w: World) =>
  (await w.s.services.db.selectFrom("clinicalSession").select(["id", "endsAt", "status"]).where("programId", "=", w.r.programId).where("kind", "=", "program").orderBy("startsAt").execute());

/** The planner sends the suggested dates for the program's open sessions, through the plan page's form. */
async function sendSuggestedPlan(w: World): Promise<void> {
  const planner = await w.s.services.db.selectFrom("user").select(["id", "role"]).where("email", "=", EMAIL.planner).executeTakeFirstOrThrow();
  const actor: Actor = { userId: planner.id, role: planner.role, sessionId: "test", ip: "127.0.0.1" };
  const suggestion = await proposeSessionPlan(w.s.services, actor, { programId: w.r.programId });
  if (!suggestion.ok) throw new Error(JSON.stringify(suggestion));
  const form: Record<string, string> = { count: String(suggestion.value.sessions.length) };
  suggestion.value.sessions.forEach((s, i) => (form[`sessions.${i}.startsAt`] = localInputValue(s.startsAt, PLANNER_ZONE)));
  await post(w, "planner", `/planner/plan/${w.r.programId}`, form);
  w.made.plan = (await w.s.services.db.selectFrom("sessionPlan").select("id").where("programId", "=", w.r.programId).where("status", "=", "sent").executeTakeFirstOrThrow()).id;
}

const patientOf = (w: World) => w.r.patientId;
const session0 = (w: World) => w.r.sessionIds[0]!;

/** Every audited operation, in the order a clinic would meet them. */
const CASES: Case[] = [
  // Intake
  {
    who: "patient",
    action: "intake.updated",
    record: patientOf,
    run: async (w) => {
      const { concerns, specialCauses: _none, ...fields } = VALID_INTAKE;
      const body = new URLSearchParams({ ...fields, timeZone: "Europe/London" });
      for (const concern of concerns) body.append("concerns", concern);
      await ok(w.c.patient.request("/patient/intake", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } }));
    },
  },
  { who: "patient", action: "intake.read", record: patientOf, run: (w) => get(w, "patient", "/patient/intake").then(() => {}) },
  { who: "therapist", action: "intake.read", record: (w) => w.patient2.id, patient: (w) => w.patient2.id, run: (w) => get(w, "therapist", "/therapist/consultations").then(() => {}) },
  // Session notes: the consultation's outcome
  {
    who: "therapist",
    action: "session_notes.written",
    record: (w) => w.patient2.consultationId,
    patient: (w) => w.patient2.id,
    run: (w) => post(w, "therapist", "/therapist/consultations", { sessionId: w.patient2.consultationId, outcome: "not_suitable", reason: "Needs a clinic visit first" }).then(() => {}),
  },
  // Program, invoices, patient lists
  { who: "patient", action: "program.read", record: (w) => w.r.programId, run: (w) => get(w, "patient", "/patient").then(() => {}) },
  { who: "patient", action: "invoice.read", record: patientOf, run: (w) => get(w, "patient", "/patient").then(() => {}) },
  { who: "planner", action: "invoice.list_read", record: patientOf, run: (w) => get(w, "planner", "/planner").then(() => {}) },
  {
    who: "planner",
    action: "invoice.payment_recorded",
    record: (w) => w.r.invoiceIds[0]!,
    run: async (w) => {
      const invoice = await w.s.services.db.selectFrom("invoice").select(["amountCents"]).where("id", "=", w.r.invoiceIds[0]!).executeTakeFirstOrThrow();
      await post(w, "planner", "/planner", { intent: "pay", invoiceId: w.r.invoiceIds[0]!, amount: (invoice.amountCents / 100).toFixed(2), reference: "BANK-REF-1" });
    },
  },
  { who: "planner", action: "program.read", record: (w) => w.r.programId, run: (w) => get(w, "planner", `/planner/plan/${w.r.programId}`).then(() => {}) },
  { who: "therapist", action: "patient.list_read", record: patientOf, run: (w) => get(w, "therapist", "/therapist").then(() => {}) },
  { who: "therapist", action: "program.list_read", record: patientOf, run: (w) => get(w, "therapist", "/therapist").then(() => {}) },
  { who: "therapist", action: "adherence.read", record: patientOf, run: (w) => get(w, "therapist", `/api/adherence?patientId=${w.r.patientId}`).then(() => {}) },
  // Homework at home and after a session
  { who: "patient", action: "homework.read", record: patientOf, run: (w) => get(w, "patient", "/patient/homework").then(() => {}) },
  { who: "patient", action: "adherence.read", record: patientOf, run: (w) => get(w, "patient", "/patient/homework").then(() => {}) },
  {
    who: "patient",
    action: "practice_log.created",
    record: (w) => w.made.practice!,
    run: async (w) => {
      await post(w, "patient", "/patient/homework", { intent: "practice", minutes: "12" });
      w.made.practice = (await w.s.services.db.selectFrom("practiceLog").select("id").where("patientId", "=", w.r.patientId).where("minutes", "=", 12).executeTakeFirstOrThrow()).id;
    },
  },
  { who: "patient", action: "practice_log.deleted", record: (w) => w.made.practice!, run: (w) => post(w, "patient", "/patient/homework", { intent: "delete-practice", practiceId: w.made.practice! }).then(() => {}) },
  { who: "therapist", action: "homework.read", record: session0, run: (w) => get(w, "therapist", `/api/sessions/${session0(w)}/homework`).then(() => {}) },
  { who: "patient", action: "homework.pdf_read", record: session0, run: (w) => get(w, "patient", `/api/sessions/${session0(w)}/homework-pdf`).then(() => {}) },
  { who: "therapist", action: "board.read", record: session0, run: (w) => get(w, "therapist", `/api/sessions/${session0(w)}/board`).then(() => {}) },
  // In a live session, over socket.io: opening the board, homework changes, drawing (summarised)
  { who: "therapist", action: "board.read", record: (w) => w.liveSessionId, run: (w) => emit(w, "therapist", "board:join", { sessionId: w.liveSessionId }) },
  { who: "therapist", action: "homework.changed", record: (w) => w.liveSessionId, run: (w) => emit(w, "therapist", "homework:upsert", { sessionId: w.liveSessionId, ackId: "a-1", items: [homeworkItem("hw-live")] }) },
  { who: "therapist", action: "homework.removed", record: (w) => w.liveSessionId, run: (w) => emit(w, "therapist", "homework:upsert", { sessionId: w.liveSessionId, ackId: "a-2", items: [homeworkItem("hw-live", true)] }) },
  {
    who: "patient",
    action: "board.changed",
    record: (w) => w.liveSessionId,
    run: (w) =>
      emit(w, "patient", "board:update", {
        sessionId: w.liveSessionId,
        ackId: "p-1",
        pageId: "page-1",
        elements: [{ id: "shape-1", type: "rectangle", x: 1, y: 2, width: 3, height: 4, version: 1, versionNonce: 5, isDeleted: false, index: "a0" }],
      }),
  },
  // The journey goes on: module 1 held, conclusion planned and held, decision, module 2 planned
  {
    who: "planner",
    action: "conclusion.planned",
    record: (w) => w.made.conclusion!,
    run: async (w) => {
      const sessions = await programSessions(w);
      await hold(w, sessions.map((s) => s.id));
      // A week after the last session, at the same time of day (inside the therapist's hours).
      const at = new Date(sessions.at(-1)!.endsAt.getTime() - 60 * 60_000 + 7 * 86_400_000);
      await post(w, "planner", `/planner/plan/${w.r.programId}`, { intent: "conclusion", startsAt: localInputValue(at, PLANNER_ZONE) });
      w.made.conclusion = (await w.s.services.db.selectFrom("clinicalSession").select("id").where("programId", "=", w.r.programId).where("kind", "=", "conclusion").executeTakeFirstOrThrow()).id;
    },
  },
  {
    who: "therapist",
    action: "program_decision.recorded",
    record: (w) => w.r.programId,
    run: async (w) => {
      await hold(w, [w.made.conclusion!]);
      await post(w, "therapist", "/therapist", { intent: "decision", programId: w.r.programId, decision: "module2" });
    },
  },
  { who: "planner", action: "session_plan.suggested", record: (w) => w.r.programId, run: (w) => get(w, "planner", `/planner/plan/${w.r.programId}`).then(() => {}) },
  { who: "planner", action: "session_plan.sent", record: (w) => w.made.plan!, run: sendSuggestedPlan },
  {
    who: "patient",
    action: "session_plan.changes_requested",
    record: (w) => w.made.plan!,
    run: (w) => post(w, "patient", "/patient/plan", { intent: "changes", planId: w.made.plan!, message: "Mornings suit me better" }).then(() => {}),
  },
  {
    who: "patient",
    action: "session_plan.accepted",
    record: (w) => w.made.plan!,
    run: async (w) => {
      await sendSuggestedPlan(w);
      await post(w, "patient", "/patient/plan", { intent: "accept", planId: w.made.plan! });
    },
  },
  {
    who: "therapist",
    action: "invoice.override_recorded",
    record: (w) => w.made.module2Session!,
    run: async (w) => {
      w.made.module2Session = (await programSessions(w)).find((s) => s.status === "scheduled")!.id;
      await post(w, "therapist", `/sessions/${w.made.module2Session}`, { reason: "Transfer is on its way" });
    },
  },
  { who: "therapist", action: "attendance.read", record: session0, run: (w) => get(w, "therapist", `/sessions/${session0(w)}`).then(() => {}) },
  // The diary
  { who: "patient", action: "diary.read", record: patientOf, run: (w) => get(w, "patient", "/diary").then(() => {}) },
  { who: "therapist", action: "diary.read", record: patientOf, run: (w) => get(w, "therapist", `/api/diary/patients/${w.r.patientId}`).then(() => {}) },
  {
    who: "patient",
    action: "diary_entry.created",
    record: (w) => w.made.entry!,
    run: async (w) => {
      const r = await post(w, "patient", "/diary/new", { entryDate: new Date().toISOString().slice(0, 10), body: "A better week", tension: "2" });
      w.made.entry = /\/diary\/entries\/([0-9a-f-]{36})/.exec(r.headers.get("location") ?? "")![1]!;
    },
  },
  { who: "therapist", action: "diary_entry.read", record: (w) => w.made.entry!, run: (w) => get(w, "therapist", `/diary/entries/${w.made.entry}`).then(() => {}) },
  {
    who: "therapist",
    action: "diary_reply.created",
    record: (w) => w.made.reply!,
    run: async (w) => {
      await post(w, "therapist", `/diary/entries/${w.made.entry}`, { body: "Good to hear" });
      w.made.reply = (await w.s.services.db.selectFrom("diaryReply").select("id").where("entryId", "=", w.made.entry!).executeTakeFirstOrThrow()).id;
    },
  },
  { who: "patient", action: "diary_interval.updated", record: patientOf, run: (w) => post(w, "patient", "/diary", { intervalDays: "21" }).then(() => {}) },
  {
    who: "patient",
    action: "snapshot.created",
    record: (w) => w.made.snapshot!,
    run: async (w) => {
      w.made.snapshot = ((await (await postJson(w, "patient", "/api/diary/snapshots", snapshotBody())).json()) as { snapshotId: string }).snapshotId;
    },
  },
  {
    who: "patient",
    action: "snapshot_photo.saved",
    record: (w) => w.made.capture!,
    run: async (w) => {
      const r = await ok(w.c.patient.request(`/api/diary/snapshots/${w.made.snapshot}/photos/rest`, { method: "POST", body: TINY_JPEG, headers: { "content-type": "image/jpeg" } }));
      w.made.capture = ((await r.json()) as { captureId: string }).captureId;
    },
  },
  { who: "therapist", action: "snapshot.read", record: (w) => w.made.snapshot!, run: (w) => get(w, "therapist", `/api/diary/snapshots/${w.made.snapshot}`).then(() => {}) },
  { who: "therapist", action: "snapshot_photo.read", record: (w) => w.made.capture!, run: (w) => get(w, "therapist", `/api/diary/photos/${w.made.capture}`).then(() => {}) },
  { who: "therapist", action: "diary_trend.read", record: patientOf, run: (w) => get(w, "therapist", `/api/diary/patients/${w.r.patientId}/trend`).then(() => {}) },
  { who: "patient", action: "consent.withdrawn", record: () => "photos", run: (w) => post(w, "patient", "/diary/consent", { intent: "withdraw", scope: "photos" }).then(() => {}) },
  { who: "patient", action: "consent.granted", record: () => "photos", run: (w) => post(w, "patient", "/diary/consent", { scope: "photos", agree: "yes" }).then(() => {}) },
];

describe.each(databaseKinds)("audit trail coverage of health data (%s)", (kind) => {
  const w = { c: {}, sockets: {}, made: {} } as World;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "audit-coverage-"));
    // Behind a proxy: the socket's address comes from the header the proxy sets.
    w.s = await startTestServer({ kind, env: { AUTH_RATE_LIMIT_MAX: "100000", DATA_DIR: dataDir, TRUSTED_PROXY_HEADER: "x-forwarded-for" } });
    const { services } = w.s;
    await seedDemo(services);
    w.r = await seedPatientRecord(services, { patientEmail: EMAIL.patient, therapistEmail: EMAIL.therapist, marker: "AUDITMARK" });
    const p2 = await services.db.selectFrom("user").select(["id", "role", "timeZone"]).where("email", "=", "patient2@demo.clinic").executeTakeFirstOrThrow();
    const p2Intake = await saveIntake(services, { userId: p2.id, role: p2.role, sessionId: "seed", ip: "127.0.0.1" }, { ...VALID_INTAKE, timeZone: p2.timeZone });
    if (!p2Intake.ok) throw new Error(JSON.stringify(p2Intake));
    const consultation = await services.db.selectFrom("clinicalSession").select("id").where("patientId", "=", p2.id).where("kind", "=", "consultation").executeTakeFirstOrThrow();
    w.patient2 = { id: p2.id, consultationId: consultation.id };

    for (const who of ["patient", "therapist", "planner"] as const) {
      w.c[who] = createClient(w.s, IP[who]);
      expect((await signInAs(w.c[who], EMAIL[who])).status, who).toBe(302);
    }
    w.c.admin = createClient(w.s, "10.8.0.9");
    expect((await signInAs(w.c.admin, "admin@demo.clinic")).status).toBe(302);

    // A session happening now, both in the call with the board open.
    const now = Date.now();
    w.liveSessionId = (
      await services.db
        .insertInto("clinicalSession")
        .values({ kind: "supporting", therapistId: w.r.therapistId, patientId: w.r.patientId, programId: null, sequence: null, startsAt: new Date(now - 5 * 60_000), endsAt: new Date(now + 55 * 60_000), createdBy: null, updatedAt: new Date(now) })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    // The therapist chose to let the patient in without a click.
    await services.db.insertInto("sessionCall").values({ sessionId: w.liveSessionId, startedAt: null, endedAt: null, endedBy: null, autoAdmit: true }).execute();
    for (const who of ["therapist", "patient"] as const) {
      const socket = connect(w.s.url, { transports: ["websocket"], reconnection: false, extraHeaders: { origin: TEST_ORIGIN, cookie: w.c[who].cookieHeader(), "x-forwarded-for": IP[who] } });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      w.sockets[who] = socket;
      await emit(w, who, "call:join", { sessionId: w.liveSessionId, peerId: `peer-${who}` });
    }
    await emit(w, "patient", "board:join", { sessionId: w.liveSessionId });
  }, 240_000);

  afterAll(async () => {
    for (const socket of Object.values(w.sockets)) socket?.close();
    await w.s?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.action} by the ${c.who}`, async () => {
      const { db } = w.s.services;
      const before = (await db.selectFrom("auditEvent").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst())?.id ?? "0";
      await c.run(w);
      const actor = await db.selectFrom("user").select("id").where("email", "=", EMAIL[c.who]).executeTakeFirstOrThrow();
      const rows = await db.selectFrom("auditEvent").selectAll().where("id", ">", String(before)).where("action", "=", c.action).execute();
      const expected = { actorId: actor.id, actorRole: c.who, action: c.action, outcome: "allowed", recordId: c.record(w), patientId: (c.patient ?? patientOf)(w), ip: IP[c.who] };
      expect(rows.map(({ actorId, actorRole, action, outcome, recordId, patientId, ip }) => ({ actorId, actorRole, action, outcome, recordId, patientId, ip }))).toContainEqual(expected);
    });
  }

  it("admins find every one of them by searching for the patient", async () => {
    const page = await (await get(w, "admin", `/admin/audit?patientId=${w.r.patientId}`)).text();
    const listed = new Set([...page.matchAll(/<td>([a-z_]+\.[a-z_]+)<\/td>/g)].map((m) => m[1]));
    const audited = new Set(CASES.filter((c) => !c.patient).map((c) => c.action));
    expect([...audited].filter((a) => !listed.has(a))).toEqual([]);
    // And the page shows nobody else's.
    expect(page).not.toContain(w.patient2.id.slice(0, 8));
  });
});
