/**
 * The authorisation matrix: every role × every page, API route and socket event × record ids that exist
 * and belong to ANOTHER patient (and that patient's therapist). Two patients of two different therapists
 * have a full record with marker strings in every free text; a response must never carry a patient's
 * marker to anyone but that patient and their own therapist, a request for someone else's record must
 * be refused, and a write aimed at it must leave it unchanged.
 *
 * Routes come from the real Remix build and the API route table, events from the socket event table:
 * a route or event added later without an entry in the maps below fails this test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { sql } from "kysely";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRouteTable } from "../../server/api";
import { allJobHandlers } from "../../server/job-handlers";
import { createJobWorker } from "../../server/jobs/worker";
import { socketEvents } from "../../server/realtime/events";
import { requestDataExport } from "../../server/services/data-rights";
import { seedDemo } from "../../server/services/demo-clinic";
import { addSessionIllustration } from "../../server/services/homework/catalogue";
import { addAvailabilityException } from "../../server/services/journey";
import { databaseKinds } from "../setup/databases";
import { type PatientRecord, seedPatientRecord, TINY_JPEG } from "../setup/patient-record";
import { pdfText } from "../setup/pdf-text";
import { type Client, signInAs } from "../setup/sign-in";
import { createClient, loadBuild } from "../setup/test-app";
import { connected, refused, startTestServer } from "../setup/test-server";

const VIEWERS = ["anonymous", "patient1", "patient2", "patient3", "therapist1", "therapist2", "planner", "admin"] as const;
type Viewer = (typeof VIEWERS)[number];

interface Victim extends PatientRecord {
  name: "A" | "B";
  marker: string;
  patient: Viewer;
  therapist: Viewer;
  exportId: string;
  illustrationId: string;
  exceptionId: string;
}

/**
 * Who may see or change a victim's record through a route:
 * - "none": the route takes no foreign id (it shows the viewer's own data): only the markers are checked;
 * - "care": the patient and their own therapist (health data: diary, snapshots, sessions, homework);
 * - "self": the patient only; "therapist": their therapist only; "desk": the planning desk; "staff": the therapist, the desk and admins.
 */
type Entitlement = "none" | "care" | "self" | "therapist" | "desk" | "staff";

function entitled(e: Entitlement, viewer: Viewer, v: Victim): boolean {
  switch (e) {
    case "none":
      return true;
    case "care":
      return viewer === v.patient || viewer === v.therapist;
    case "self":
      return viewer === v.patient;
    case "therapist":
      return viewer === v.therapist;
    case "desk":
      return viewer === "planner";
    case "staff":
      return viewer === v.therapist || viewer === "planner" || viewer === "admin";
  }
}

/** Health data (every marker) is for the patient and their own therapist only. */
const maySeeMarkers = (viewer: Viewer, v: Victim) => entitled("care", viewer, v);

const NIL = "00000000-0000-0000-0000-000000000000";
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const today = () => new Date().toISOString().slice(0, 10);

type Form = Record<string, string>;

interface PageSpec {
  path: (v: Victim) => string;
  access: Entitlement;
  /** Form posts aimed at the victim's records, sent by every viewer not entitled to make them. */
  posts?: (v: Victim) => Form[];
  /** Who may make those writes; by default who may read, and for pages of one's own data the patient. */
  writers?: Entitlement;
  /** Who must see the victim's marker here: the control that proves the marker check can fail. */
  shows?: (viewer: Viewer, v: Victim) => boolean;
}

/** Every Remix route, by id. A new route must be added here, with the foreign ids it takes. */
const PAGES: Record<string, PageSpec> = {
  root: { path: () => "/", access: "none" },
  "routes/_index": { path: () => "/", access: "none" },
  "routes/login": { path: () => "/login", access: "none", posts: () => [{ email: "nobody@example.com", password: "x" }] },
  "routes/logout": { path: () => "/logout", access: "none" }, // posting would end the viewer's own session
  "routes/login_.code": { path: () => "/login/code", access: "none", posts: () => [{ code: "123456" }] },
  "routes/account_.two-factor": { path: (v) => `/account/two-factor?userId=${v.patientId}`, access: "none", posts: (v) => [{ intent: "start", password: "not the password", userId: v.patientId }] },
  "routes/register": { path: () => "/register", access: "none", posts: () => [{}] },
  "routes/forgot-password": { path: () => "/forgot-password", access: "none", posts: () => [{}] },
  "routes/reset-password": { path: () => "/reset-password?token=no-such-token", access: "none", posts: () => [{ token: "no-such-token" }] },
  "routes/invitation.$token": { path: () => "/invitation/no-such-token", access: "none", posts: () => [{}] },
  "routes/account": {
    path: (v) => `/account?patientId=${v.patientId}`,
    access: "none",
    // The account's forms act on the signed-in user only, whatever ids are posted with them.
    // (A real withdrawal by the victim would delete the photos the later API checks expect to find.)
    posts: (v): Form[] => [{ intent: "unknown", exportId: v.exportId }, { intent: "withdraw-consent", scope: "everything", patientId: v.patientId }, { intent: "cancel-erasure", patientId: v.patientId }],
  },
  "routes/account.export.$exportId": { path: (v) => `/account/export/${v.exportId}`, access: "self" },
  "routes/admin._index": { path: () => "/admin", access: "none", posts: () => [{}] },
  "routes/admin.audit": { path: (v) => `/admin/audit?patientId=${v.patientId}`, access: "none" },
  "routes/admin.audit.export": { path: (v) => `/admin/audit/export?patientId=${v.patientId}`, access: "none" },
  "routes/admin.outbox": { path: () => "/admin/outbox", access: "none" },
  "routes/diary._index": {
    path: () => "/diary",
    access: "none",
    posts: (v) => [{ intervalDays: "9", patientId: v.patientId }],
    shows: (viewer, v) => viewer === v.patient,
  },
  "routes/diary.capture": { path: (v) => `/diary/capture?entry=${v.entryIds[0]}`, access: "none" },
  "routes/diary.compare": { path: (v) => `/diary/compare?a=${v.snapshotIds[0]}&b=${v.snapshotIds[1]}&patient=${v.patientId}`, access: "none" },
  "routes/diary.consent": { path: () => "/diary/consent", access: "none", posts: (v) => [{ intent: "withdraw", scope: "nothing", patientId: v.patientId }] },
  "routes/diary.entries.$entryId": {
    path: (v) => `/diary/entries/${v.entryIds[0]}`,
    access: "care",
    posts: () => [{ body: "A reply from someone who must not write here" }],
    shows: (viewer, v) => entitled("care", viewer, v),
  },
  "routes/diary.new": { path: () => "/diary/new", access: "none", posts: (v) => [{ entryDate: today(), body: "", patientId: v.patientId }] },
  "routes/diary.trend": { path: (v) => `/diary/trend?patient=${v.patientId}`, access: "none" },
  "routes/patient._index": { path: () => "/patient", access: "none", posts: (v) => [{ invoiceId: v.invoiceIds[0]! }] },
  "routes/patient.invoices": { path: () => "/patient/invoices", access: "none", posts: (v) => [{ invoiceId: v.invoiceIds[0]! }] },
  "routes/patient.invoices.$invoiceId.pdf": { path: (v) => `/patient/invoices/${v.invoiceIds[0]}/pdf`, access: "self" },
  "routes/patient.program": { path: () => "/patient/program", access: "none" },
  "routes/patient.address": { path: () => "/patient/address", access: "none", posts: (v) => [{ patientId: v.patientId, recipient: "x", line1: "x", city: "x", postalCode: "1000", country: "BG" }] },
  "routes/planner.label.$programId": { path: (v) => `/planner/label/${v.programId ?? NIL}`, access: "desk" },
  "routes/admin.settings": { path: () => "/admin/settings", access: "none" },
  "routes/$": { path: () => "/no-such-page", access: "none" },
  "routes/patient.book": {
    path: () => "/patient/book",
    access: "none",
    posts: (v): Form[] => [
      { intent: "cancel", sessionId: v.consultationId, reason: "not mine" },
      { intent: "cancel", sessionId: v.sessionIds[0]!, reason: "not mine" },
      { intent: "reschedule", sessionId: v.sessionIds[0]!, slot: `${v.therapistId}|${future(30)}` },
    ],
  },
  "routes/patient.homework": {
    path: () => "/patient/homework",
    access: "none",
    posts: (v): Form[] => [
      { intent: "delete-practice", practiceId: v.practiceIds[0]! },
      { minutes: "10", sessionId: v.sessionIds[0]! },
    ],
    shows: (viewer, v) => viewer === v.patient,
  },
  "routes/patient.practice": {
    path: () => "/patient/practice",
    access: "none",
    posts: (v): Form[] => [{ minutes: "10", sessionId: v.sessionIds[0]! }],
    shows: (viewer, v) => viewer === v.patient,
  },
  "routes/patient.intake": { path: () => "/patient/intake", access: "none", posts: (v) => [{ patientId: v.patientId, freeText: "someone else's" }], shows: (viewer, v) => viewer === v.patient },
  "routes/patient.plan": {
    path: () => "/patient/plan",
    access: "none",
    posts: (v): Form[] => [
      { intent: "accept", planId: v.planIds[0]! },
      { intent: "changes", planId: v.planIds[0]!, message: "please move them" },
    ],
  },
  "routes/planner._index": {
    path: (v) => `/planner?therapist=${v.therapistId}`,
    access: "none",
    writers: "desk",
    posts: (v): Form[] => [
      { intent: "pay", invoiceId: v.invoiceIds[0]!, amount: "1.00", paidOn: today(), reference: "x" },
      { intent: "ship", programId: v.programId, carrier: "post", trackingNumber: "X1" },
    ],
  },
  "routes/planner.plan.$programId": {
    path: (v) => `/planner/plan/${v.programId}`,
    access: "desk",
    posts: (): Form[] => [{ intent: "conclusion", startsAt: future(60).slice(0, 16) }, { count: "0" }],
  },
  "routes/sessions.$sessionId": { path: (v) => `/sessions/${v.sessionIds[0]}`, access: "care", writers: "staff", posts: () => [{ reason: "let them in" }] },
  "routes/techniques": { path: () => "/techniques", access: "none", posts: () => [{ intent: "archive", techniqueId: NIL }] },
  "routes/therapist._index": {
    path: () => "/therapist",
    access: "none",
    writers: "care",
    posts: (v): Form[] => [
      { intent: "decision", programId: v.programId, decision: "finish" },
      { intent: "schedule", patientId: v.patientId, kind: "supporting", startsAt: future(40) },
    ],
  },
  "routes/therapist.availability": {
    path: (v) => `/therapist/availability?therapist=${v.therapistId}`,
    access: "none",
    writers: "staff",
    posts: (v) => [{ intent: "remove-exception", exceptionId: v.exceptionId }],
  },
  "routes/therapist.consultations": {
    path: () => "/therapist/consultations",
    access: "none",
    writers: "care",
    posts: (v) => [{ sessionId: v.consultationId, outcome: "not_suitable", reason: "overwriting someone else's outcome" }],
  },
  "routes/therapist.patients.$patientId.diary": {
    path: (v) => `/therapist/patients/${v.patientId}/diary`,
    access: "therapist",
    posts: () => [{ intervalDays: "30" }],
    shows: (viewer, v) => viewer === v.therapist,
  },
};

interface ApiSpec {
  path: (v: Victim) => string;
  access: Entitlement;
  /** The body of a write (JSON, or the bytes of an image). */
  body?: (v: Victim) => unknown;
}

/** Every API route, by "METHOD path". A new route must be added here. */
const API: Record<string, ApiSpec> = {
  "GET /me": { path: () => "/me", access: "none" },
  "GET /admin/outbox": { path: () => "/admin/outbox", access: "none" },
  "POST /admin/invitations": { path: () => "/admin/invitations", access: "none", body: () => ({}) },
  "GET /diary/draft": { path: () => "/diary/draft", access: "none" },
  "PUT /diary/draft": { path: () => "/diary/draft", access: "none", body: (v) => ({ patientId: v.patientId, content: { body: "draft" } }) },
  "GET /diary/consent": { path: () => "/diary/consent", access: "none" },
  "POST /diary/snapshots": { path: () => "/diary/snapshots", access: "none", body: (v) => ({ entryId: v.entryIds[0], sessionId: v.sessionIds[0], captures: [] }) },
  "POST /diary/snapshots/:snapshotId/photos/:expression": { path: (v) => `/diary/snapshots/${v.snapshotIds[0]}/photos/rest`, access: "self", body: () => TINY_JPEG },
  "GET /diary/snapshots/:snapshotId": { path: (v) => `/diary/snapshots/${v.snapshotIds[0]}`, access: "care" },
  "GET /diary/photos/:captureId": { path: (v) => `/diary/photos/${v.captureIds[0]}`, access: "care" },
  "GET /diary/patients/:patientId": { path: (v) => `/diary/patients/${v.patientId}`, access: "care" },
  "GET /diary/patients/:patientId/trend": { path: (v) => `/diary/patients/${v.patientId}/trend`, access: "care" },
  "GET /techniques": { path: () => "/techniques", access: "none" },
  "POST /techniques": { path: () => "/techniques", access: "none", body: () => ({}) },
  "DELETE /techniques/:id": { path: () => `/techniques/${NIL}`, access: "none" },
  "POST /techniques/:id/illustrations": { path: () => `/techniques/${NIL}/illustrations`, access: "none", body: () => TINY_JPEG },
  "POST /sessions/:sessionId/illustrations": { path: (v) => `/sessions/${v.sessionIds[0]}/illustrations`, access: "care", body: () => TINY_JPEG },
  "GET /sessions/:sessionId/illustrations": { path: (v) => `/sessions/${v.sessionIds[0]}/illustrations`, access: "care" },
  "GET /illustrations/:id": { path: (v) => `/illustrations/${v.illustrationId}`, access: "care" },
  "GET /sessions/:sessionId/board": { path: (v) => `/sessions/${v.sessionIds[0]}/board`, access: "care" },
  "GET /sessions/:sessionId/homework": { path: (v) => `/sessions/${v.sessionIds[0]}/homework`, access: "care" },
  "GET /sessions/:sessionId/homework-pdf": { path: (v) => `/sessions/${v.sessionIds[0]}/homework-pdf`, access: "care" },
  "GET /adherence": { path: (v) => `/adherence?patientId=${v.patientId}`, access: "none" },
  "POST /livekit/webhook": { path: () => "/livekit/webhook", access: "none", body: () => ({}) },
  "POST /stripe/webhook": { path: () => "/stripe/webhook", access: "none", body: () => ({}) },
};

/** Every socket event with a payload aimed at the victim's session and records. A new event must be added here. */
const EVENTS: Record<string, (v: Victim) => unknown> = {
  "client:heartbeat": () => ({ activity: "call" }),
  "call:join": (v) => ({ sessionId: v.sessionIds[0], peerId: "intruder-peer-01" }),
  "call:signal": (v) => ({ sessionId: v.sessionIds[0], to: v.patientId, data: { candidate: null } }),
  "call:media-state": (v) => ({ sessionId: v.sessionIds[0], microphone: true, camera: true }),
  "call:admit": (v) => ({ sessionId: v.sessionIds[0], userId: v.patientId }),
  "call:auto-admit": (v) => ({ sessionId: v.sessionIds[0], autoAdmit: true }),
  "call:remove": (v) => ({ sessionId: v.sessionIds[0], userId: v.patientId }),
  "call:leave": (v) => ({ sessionId: v.sessionIds[0] }),
  "call:end": (v) => ({ sessionId: v.sessionIds[0] }),
  "board:join": (v) => ({ sessionId: v.sessionIds[0] }),
  "board:update": (v) => ({ ackId: 1, sessionId: v.sessionIds[0], pageId: "page-1", elements: [] }),
  "board:page": (v) => ({ ackId: 2, sessionId: v.sessionIds[0], pages: [] }),
  "homework:upsert": (v) => ({ ackId: 3, sessionId: v.sessionIds[0], items: [{ ...HOMEWORK_OVERWRITE, id: v.homeworkItemIds[0] }] }),
  "board:pointer": (v) => ({ sessionId: v.sessionIds[0], pageId: "page-1", x: 1, y: 1 }),
  "board:lock": (v) => ({ sessionId: v.sessionIds[0], locked: true }),
  "diary:request-snapshot": (v) => ({ sessionId: v.sessionIds[0] }),
  "diary:snapshot-status": (v) => ({ sessionId: v.sessionIds[0], status: "declined" }),
  "diary:snapshot-shared": (v) => ({ sessionId: v.sessionIds[0], snapshotId: v.snapshotIds[0] }),
};

const HOMEWORK_OVERWRITE = { version: 99, versionNonce: 1, isDeleted: true, order: "V", techniqueId: null, title: "overwritten", notes: "", illustrationIds: [], repetitions: 1, sets: 1, timesPerDay: 1, minutes: 1 };

/** Tables that record the requests themselves (audit, rate limits, sign-in sessions, queued mail), not the records. */
const NOT_RECORDS = new Set(["audit_event", "rate_limit", "session", "account", "verification", "job", "mail_delivery", "outbox_email", "login_failure", "socket_io_attachments", "kysely_migration", "kysely_migration_lock"]);

/** The full path of a Remix route, from its parents' paths. */
function routePattern(routes: Record<string, { parentId?: string; path?: string }>, id: string): string {
  const parts: string[] = [];
  for (let r = routes[id]; r; r = r.parentId ? routes[r.parentId]! : undefined!) if (r.path) parts.unshift(r.path);
  return "/" + parts.join("/");
}

/** The text a person would get out of a response: pages and JSON as text, PDFs' drawn text, ZIPs' files. */
async function readable(response: Response): Promise<string> {
  const type = response.headers.get("content-type") ?? "";
  const bytes = Buffer.from(await response.arrayBuffer());
  if (type.includes("pdf")) return pdfText(bytes);
  if (type.includes("zip")) return Object.values(unzipSync(new Uint8Array(bytes))).map((f) => strFromU8(f)).join("\n");
  return bytes.toString("utf8");
}

const HOMES = /^\/(login|patient|therapist|planner|admin)(\?|$)/;
/** A refusal: not signed in, forbidden, not found, or sent to the login page or the viewer's home. */
function isRefusal(response: Response): boolean {
  if ([401, 403, 404].includes(response.status)) return true;
  return response.status >= 300 && response.status < 400 && HOMES.test(response.headers.get("location") ?? "");
}

describe.each(databaseKinds)("authorisation matrix on %s", (kind) => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let dataDir: string;
  const clients = {} as Record<Viewer, Client>;
  const victims: Victim[] = [];
  let requests = 0;
  let leaks: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "authz-matrix-"));
    s = await startTestServer({ kind, env: { AUTH_RATE_LIMIT_MAX: "100000", DATA_DIR: dataDir } });
    await seedDemo(s.services);
    const seed = async (name: "A" | "B", patient: Viewer, therapist: Viewer, marker: string): Promise<Victim> => {
      const record = await seedPatientRecord(s.services, { patientEmail: `${patient}@demo.clinic`, therapistEmail: `${therapist}@demo.clinic`, marker, diaryEntries: 2, snapshots: 2 });
      const patientActor = { userId: record.patientId, role: "patient" as const, sessionId: "seed", ip: "127.0.0.1" };
      const therapistActor = { userId: record.therapistId, role: "therapist" as const, sessionId: "seed", ip: "127.0.0.1" };
      const { exportId } = await requestDataExport(s.services, patientActor);
      const illustration = await addSessionIllustration(s.services, therapistActor, record.sessionIds[0]!, TINY_JPEG, `${marker} board export`);
      const exception = await addAvailabilityException(s.services, therapistActor, record.therapistId, { kind: "unavailable", date: future(200).slice(0, 10), note: "conference" });
      if (!exception.ok) throw new Error(JSON.stringify(exception));
      const exceptionRow = await s.services.db.selectFrom("availabilityException").select("id").where("therapistId", "=", record.therapistId).executeTakeFirstOrThrow();
      return { ...record, name, marker, patient, therapist, exportId, illustrationId: illustration.id, exceptionId: exceptionRow.id };
    };
    victims.push(await seed("A", "patient1", "therapist1", "MXALPHA7731"));
    victims.push(await seed("B", "patient3", "therapist2", "MXBRAVO4402"));
    await createJobWorker(s.services, allJobHandlers()).runDueJobs(); // the data exports become downloadable
    let n = 1;
    for (const viewer of VIEWERS) {
      clients[viewer] = createClient(s, `10.66.0.${n++}`);
      if (viewer !== "anonymous") expect((await signInAs(clients[viewer], `${viewer}@demo.clinic`)).status, viewer).toBe(302);
    }
  }, 240_000);
  afterAll(async () => {
    await s?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every row of every record table that names one of the victim's ids, in a stable order. */
  async function recordState(v: Victim): Promise<string[]> {
    const ids = [v.patientId, v.programId, v.consultationId, ...v.sessionIds, ...v.entryIds, ...v.snapshotIds, ...v.invoiceIds, ...v.planIds, v.exceptionId, v.exportId];
    const tables = await sql<{ tableName: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(s.database.db);
    const rows: string[] = [];
    for (const { tableName } of tables.rows) {
      if (NOT_RECORDS.has(tableName)) continue;
      for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(tableName)}`.execute(s.database.db)).rows) {
        const json = JSON.stringify(row);
        if (ids.some((id) => json.includes(id))) rows.push(`${tableName} ${json}`);
      }
    }
    return rows.sort();
  }

  /** Records every victim marker the viewer must not see; returns whether the victim's own marker was there. */
  function checkMarkers(viewer: Viewer, text: string, label: string, v: Victim): boolean {
    requests++;
    for (const other of victims) if (!maySeeMarkers(viewer, other) && text.includes(other.marker)) leaks.push(`${label}: ${other.name}'s marker`);
    return text.includes(v.marker);
  }

  it("the maps cover every page, API route and socket event (a new one without an entry fails here)", async () => {
    const build = await loadBuild();
    expect(Object.keys(build.routes).filter((id) => !PAGES[id]).map((id) => `${id} (${routePattern(build.routes as never, id)})`)).toEqual([]);
    expect(Object.keys(PAGES).filter((id) => !build.routes[id])).toEqual([]);
    const table = apiRouteTable(s.services).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(table.filter((key) => !API[key])).toEqual([]);
    expect(Object.keys(API).filter((key) => !table.includes(key))).toEqual([]);
    expect(Object.keys(socketEvents).filter((name) => !EVENTS[name])).toEqual([]);
    expect(Object.keys(EVENTS).filter((name) => !socketEvents[name])).toEqual([]);
  });

  it("pages and their data requests: someone else's record is refused and never shown; writes change nothing", async () => {
    leaks = [];
    const build = await loadBuild();
    const wrongStatus: string[] = [];
    const unchanged: string[] = [];
    for (const v of victims) {
      for (const viewer of VIEWERS) {
        const client = clients[viewer];
        const before = await recordState(v);
        for (const id of Object.keys(build.routes)) {
          const spec = PAGES[id]!;
          const url = spec.path(v);
          const label = `${viewer} GET ${url} (${v.name})`;
          const allowed = entitled(spec.access, viewer, v);
          const page = await client.request(url);
          const sawMarker = checkMarkers(viewer, await readable(page), label, v);
          if (spec.access !== "none" && viewer !== "anonymous") {
            if (!allowed && !isRefusal(page)) wrongStatus.push(`${label}: ${page.status}`);
            if (allowed && page.status !== 200) wrongStatus.push(`${label}: ${page.status} for an entitled viewer`);
          }
          if (spec.shows?.(viewer, v) && !sawMarker) wrongStatus.push(`${label}: the entitled viewer does not see the record`);
          // Single fetch: the data of the same URL, for this route only.
          const [pathname, search = ""] = url.split("?");
          const dataUrl = `${pathname === "/" ? "/_root" : pathname}.data?${search ? `${search}&` : ""}_routes=${encodeURIComponent(id)}`;
          const data = await client.request(dataUrl);
          const dataShows = checkMarkers(viewer, await readable(data), `${label} (data)`, v);
          if (spec.shows?.(viewer, v) && !dataShows) wrongStatus.push(`${label} (data): the entitled viewer does not see the record`);
          if (spec.access !== "none" && !allowed && viewer !== "anonymous" && data.status === 200) wrongStatus.push(`${label} (data): 200`);

          const writers = spec.writers ?? (spec.access === "none" ? "self" : spec.access);
          for (const form of entitled(writers, viewer, v) ? [] : (spec.posts?.(v) ?? [])) {
            const response = await client.request(url, { method: "POST", form });
            checkMarkers(viewer, await readable(response), `${viewer} POST ${url} ${JSON.stringify(form)} (${v.name})`, v);
          }
        }
        const after = await recordState(v);
        if (JSON.stringify(after) !== JSON.stringify(before)) unchanged.push(`${viewer} changed ${v.name}'s records: ${after.filter((r) => !before.includes(r)).join("\n")}`);
      }
    }
    console.info(`authorisation matrix (${kind}) pages and data requests: ${requests} requests checked, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
    expect(wrongStatus).toEqual([]);
    expect(unchanged).toEqual([]);
  }, 600_000);

  it("API routes: someone else's record is refused and never shown; writes change nothing", async () => {
    leaks = [];
    const before = requests;
    const wrongStatus: string[] = [];
    const unchanged: string[] = [];
    for (const v of victims) {
      for (const viewer of VIEWERS) {
        const state = await recordState(v);
        for (const route of apiRouteTable(s.services)) {
          const key = `${route.method.toUpperCase()} ${route.path}`;
          const spec = API[key]!;
          const allowed = entitled(spec.access, viewer, v);
          // Writes are sent by every viewer not entitled to make them (own-data routes: all but the patient); reads by everyone.
          if (route.method !== "get" && entitled(spec.access === "none" ? "self" : spec.access, viewer, v)) continue;
          const url = `/api${spec.path(v)}`;
          const body = spec.body?.(v);
          const init: RequestInit & { json?: unknown } =
            body instanceof Uint8Array ? { method: route.method.toUpperCase(), body: body as BodyInit, headers: { "content-type": "image/jpeg" } } : { method: route.method.toUpperCase(), json: body };
          const response = await clients[viewer].request(url, init);
          const label = `${viewer} ${route.method.toUpperCase()} ${url} (${v.name})`;
          checkMarkers(viewer, await readable(response), label, v);
          if (spec.access !== "none") {
            if (!allowed && ![401, 403, 404].includes(response.status)) wrongStatus.push(`${label}: ${response.status}`);
            if (allowed && route.method === "get" && response.status !== 200) wrongStatus.push(`${label}: ${response.status} for an entitled viewer`);
          }
        }
        const after = await recordState(v);
        if (JSON.stringify(after) !== JSON.stringify(state)) unchanged.push(`${viewer} changed ${v.name}'s records: ${after.filter((r) => !state.includes(r)).join("\n")}`);
      }
    }
    console.info(`authorisation matrix (${kind}) API: ${requests - before} requests checked, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
    expect(wrongStatus).toEqual([]);
    expect(unchanged).toEqual([]);
  }, 600_000);

  it("socket events: someone else's session and records are refused, never sent, never changed", async () => {
    leaks = [];
    const before = requests;
    const accepted: string[] = [];
    const unchanged: string[] = [];
    expect(await refused(s.socket())).toBe("UNAUTHENTICATED"); // anonymous: no connection at all
    requests++;
    for (const v of victims) {
      for (const viewer of VIEWERS) {
        // The patient and their therapist would really join their own call: that is the calls tests' job.
        if (viewer === "anonymous" || maySeeMarkers(viewer, v)) continue;
        const state = await recordState(v);
        const socket: Socket = s.socket(clients[viewer].cookieHeader());
        const received: string[] = [];
        socket.onAny((event: string, payload: unknown) => received.push(`${event} ${JSON.stringify(payload)}`));
        await connected(socket);
        for (const [name, payload] of Object.entries(EVENTS)) {
          const ack = (await socket.emitWithAck(name, payload(v))) as { ok: boolean; error?: string };
          const label = `${viewer} ${name} (${v.name})`;
          checkMarkers(viewer, JSON.stringify(ack), label, v);
          // Only events about the sender's own socket may succeed: the heartbeat, and leaving, which only
          // ever leaves calls this socket joined (a no-op here; the record check below proves it).
          if (ack.ok && name !== "client:heartbeat" && name !== "call:leave") accepted.push(`${label}: ${JSON.stringify(ack)}`);
        }
        await new Promise((r) => setTimeout(r, 100)); // anything broadcast to the intruder has arrived
        socket.close();
        for (const message of received) checkMarkers(viewer, message, `${viewer} received (${v.name})`, v);
        const after = await recordState(v);
        if (JSON.stringify(after) !== JSON.stringify(state)) unchanged.push(`${viewer} changed ${v.name}'s records: ${after.filter((r) => !state.includes(r)).join("\n")}`);
      }
    }
    console.info(`authorisation matrix (${kind}) socket events: ${requests - before} checked, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
    expect(accepted).toEqual([]);
    expect(unchanged).toEqual([]);
  }, 300_000);
});
