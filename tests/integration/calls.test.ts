import { ParticipantInfo, Room, TokenVerifier, WebhookEvent } from "livekit-server-sdk";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { scheduleSessionForPatient } from "../../server/services/therapist-sessions";
import { signWebhook, startFakeLiveKitServer, type FakeLiveKitServer } from "../fakes/fake-livekit-server";
import { databaseKinds } from "../setup/databases";
import { type Client, signedInClients } from "../setup/sign-in";
import { connected, startTestServer } from "../setup/test-server";

type Server = Awaited<ReturnType<typeof startTestServer>>;

async function userId(s: Server, email: string) {
  return (await s.database.db.selectFrom("user").select(["id", "name", "timeZone"]).where("email", "=", email).executeTakeFirstOrThrow());
}

/** A session of therapist1 with patient1 starting at `startsAt` (inserted as the therapist would). */
async function sessionAt(s: Server, startsAt: Date, kind: "supporting" | "consultation" = "supporting"): Promise<string> {
  const therapist = await userId(s, "therapist1@demo.clinic");
  const patient = await userId(s, "patient1@demo.clinic");
  const row = await s.database.db
    .insertInto("clinicalSession")
    .values({ kind, therapistId: therapist.id, patientId: patient.id, programId: null, sequence: null, startsAt, endsAt: new Date(startsAt.getTime() + 90 * 60_000), cancelledAt: null, cancelReason: null, createdBy: therapist.id, updatedAt: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const peer = (n: number) => `peer${n}abcdefgh`;
const ack = (socket: Socket, event: string, payload: unknown) => socket.emitWithAck(event, payload) as Promise<{ ok: boolean; error?: string; data?: any }>;
const next = <T>(socket: Socket, event: string) => new Promise<T>((resolve) => socket.once(event, resolve));

describe.each(databaseKinds)("live sessions on %s (peer-to-peer)", (kind) => {
  let s: Server;
  let clients: Record<Role, Client>;
  let outsider: Client;
  beforeAll(async () => {
    s = await startTestServer({ kind });
    clients = await signedInClients(s);
    outsider = (await import("../setup/test-app")).createClient(s, "10.9.0.1");
    const login = await outsider.request("/login", { method: "POST", form: { email: "patient2@demo.clinic", password: "demo-clinic-2026" } });
    expect(login.status).toBe(302);
  });
  afterAll(() => s?.dispose());

  async function socketOf(client: Client) {
    const socket = s.socket(client.cookieHeader());
    await connected(socket);
    return socket;
  }

  it("a therapist schedules a session for their patient in their own zone; the patient is invited", async () => {
    const therapist = await userId(s, "therapist1@demo.clinic");
    const patient = await userId(s, "patient1@demo.clinic");
    const result = await scheduleSessionForPatient(s.services, { userId: therapist.id, role: "therapist", name: therapist.name, timeZone: "Europe/Sofia" }, { patientId: patient.id, kind: "supporting", startsAtLocal: "2031-03-31T10:00" });
    expect(result.ok).toBe(true);
    const row = await s.database.db.selectFrom("clinicalSession").select(["startsAt", "endsAt"]).where("id", "=", result.ok ? result.value.sessionId : "").executeTakeFirstOrThrow();
    expect(row.startsAt.toISOString()).toBe("2031-03-31T07:00:00.000Z"); // a Monday, 10:00 in Sofia (UTC+3 in summer time)
    const overlap = await scheduleSessionForPatient(s.services, { userId: therapist.id, role: "therapist", name: therapist.name, timeZone: "Europe/Sofia" }, { patientId: patient.id, kind: "supporting", startsAtLocal: "2031-03-31T10:30" });
    expect(overlap).toMatchObject({ ok: false, fieldErrors: { startsAtLocal: expect.stringMatching(/already have a session/) } });
    const other = await userId(s, "patient3@demo.clinic"); // therapist2's patient
    const notMine = await scheduleSessionForPatient(s.services, { userId: therapist.id, role: "therapist", name: therapist.name, timeZone: "Europe/Sofia" }, { patientId: other.id, kind: "supporting", startsAtLocal: "2031-04-30T10:00" });
    expect(notMine).toMatchObject({ ok: false, fieldErrors: { patientId: "Choose one of your patients" } });
  });

  it("refuses another patient at the page and at the signalling room, and changes nothing", async () => {
    const id = await sessionAt(s, new Date(Date.now() - 60_000));
    expect((await outsider.request(`/sessions/${id}`)).status).toBe(403);
    expect((await clients.planner.request(`/sessions/${id}`)).status).toBe(403);
    const socket = await socketOf(outsider);
    expect(await ack(socket, "call:join", { sessionId: id, peerId: peer(1) })).toMatchObject({ ok: false, error: "FORBIDDEN" });
    expect(await ack(socket, "call:signal", { sessionId: id, to: "x.y", data: { candidate: null } })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    const rows = await s.database.db.selectFrom("callParticipant").selectAll().where("sessionId", "=", id).execute();
    expect(rows).toEqual([]);
  });

  it("refuses a join outside the window and an expired session, with a clear message", async () => {
    const early = await sessionAt(s, new Date(Date.now() + 2 * 3600_000));
    const page = await clients.patient.request(`/sessions/${early}`);
    expect(await page.text()).toContain("The call is not open yet");
    const socket = await socketOf(clients.patient);
    expect(await ack(socket, "call:join", { sessionId: early, peerId: peer(2) })).toMatchObject({ ok: false, error: "CALL_NOT_OPEN" });
    const expired = await sessionAt(s, new Date(Date.now() - 5 * 3600_000));
    expect(await ack(socket, "call:join", { sessionId: expired, peerId: peer(2) })).toMatchObject({ ok: false, error: "CALL_EXPIRED" });
    expect(await (await clients.patient.request(`/sessions/${expired}`)).text()).toContain("time is over");
  });

  it("refuses malformed call messages without side effects", async () => {
    const id = await sessionAt(s, new Date(Date.now() + 8 * 3600_000));
    const socket = await socketOf(clients.therapist);
    for (const payload of [{ sessionId: "not-a-uuid", peerId: peer(3) }, { sessionId: id, peerId: "a b" }, { sessionId: id }, null, "x", { sessionId: id, peerId: peer(3), extra: 1 }]) {
      expect(await ack(socket, "call:join", payload)).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    }
    expect(await ack(socket, "call:signal", { sessionId: id, to: "a.b", data: { description: { type: "offer", sdp: "x".repeat(300_000) } } })).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    expect(await ack(socket, "call:media-state", { sessionId: id, microphone: "yes", camera: true })).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    expect(await s.database.db.selectFrom("callAttendance").selectAll().where("sessionId", "=", id).execute()).toEqual([]);
  });

  it("waiting room → admit → signalling → mute state → end for everyone, with attendance", async () => {
    // Ended 10 minutes ago on the clock, still open for the 30-minute grace; overlaps no other session.
    const id = await sessionAt(s, new Date(Date.now() - 100 * 60_000));
    const patient = await socketOf(clients.patient);
    const therapist = await socketOf(clients.therapist);
    const patientId = (await userId(s, "patient1@demo.clinic")).id;

    const waiting = await ack(patient, "call:join", { sessionId: id, peerId: peer(4) });
    expect(waiting).toMatchObject({ ok: true, data: { state: "waiting" } });
    expect(await ack(patient, "call:signal", { sessionId: id, to: "x.y", data: { candidate: null } })).toMatchObject({ ok: false, error: "NOT_IN_CALL" });
    // Only the therapist can admit.
    expect(await ack(patient, "call:admit", { sessionId: id, userId: patientId })).toMatchObject({ ok: false, error: "FORBIDDEN" });

    const joined = await ack(therapist, "call:join", { sessionId: id, peerId: peer(5) });
    expect(joined.data).toMatchObject({ state: "joined", role: "therapist", waiting: [{ userId: patientId, name: "Paula Patient" }] });
    const admitted = next(patient, "call:admitted");
    expect(await ack(therapist, "call:admit", { sessionId: id, userId: patientId })).toMatchObject({ ok: true });
    await admitted;
    const peerJoined = next<{ connectionId: string }>(therapist, "call:peer-joined");
    const inCall = await ack(patient, "call:join", { sessionId: id, peerId: peer(4) });
    expect(inCall.data).toMatchObject({ state: "joined", role: "patient" });
    expect(inCall.data.peers).toEqual([{ connectionId: joined.data.connectionId, userId: expect.any(String) }]);
    expect((await peerJoined).connectionId).toBe(inCall.data.connectionId);

    const signal = next<{ from: string; data: unknown }>(patient, "call:signal");
    await ack(therapist, "call:signal", { sessionId: id, to: inCall.data.connectionId, data: { candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } } });
    expect(await signal).toMatchObject({ from: joined.data.connectionId });
    const muted = next<{ microphone: boolean }>(therapist, "call:media-state");
    await ack(patient, "call:media-state", { sessionId: id, microphone: false, camera: true });
    expect(await muted).toMatchObject({ microphone: false, camera: true });

    expect(await ack(patient, "call:end", { sessionId: id })).toMatchObject({ ok: false, error: "FORBIDDEN" });
    const ended = next(patient, "call:ended");
    expect(await ack(therapist, "call:end", { sessionId: id })).toMatchObject({ ok: true });
    await ended;
    const session = await s.database.db.selectFrom("clinicalSession").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(session.status).toBe("completed");
    const attendance = await s.database.db.selectFrom("callAttendance").selectAll().where("sessionId", "=", id).execute();
    expect(attendance).toHaveLength(2);
    expect(attendance.every((a) => a.leftAt !== null)).toBe(true);
    expect(await ack(patient, "call:join", { sessionId: id, peerId: peer(4) })).toMatchObject({ ok: false, error: "CALL_ENDED" });
    const page = await (await clients.therapist.request(`/sessions/${id}`)).text();
    expect(page).toContain("Attendance");
    expect(page).toContain("Actual duration");
    // The planning desk sees the same attendance on its home page.
    const planner = await (await clients.planner.request("/planner")).text();
    expect(planner).toContain("Attendance of recent sessions");
    expect(planner).toMatch(/<td>Dr\. Teodora Ivanova<\/td><td>Paula Patient<\/td><td>\d+ min<\/td>/);
    expect((await clients.patient.request("/planner")).status).toBe(403);
  });
});

describe("live sessions with LiveKit (SDK-checked fake API)", () => {
  let s: Server;
  let lk: FakeLiveKitServer;
  let clients: Record<Role, Client>;
  beforeAll(async () => {
    lk = await startFakeLiveKitServer();
    s = await startTestServer({ kind: "pglite", env: { LIVEKIT_URL: lk.url.replace(/^http/, "ws"), LIVEKIT_API_URL: lk.url, LIVEKIT_API_KEY: lk.config.apiKey, LIVEKIT_API_SECRET: lk.config.apiSecret } });
    clients = await signedInClients(s);
  });
  afterAll(async () => {
    await s?.dispose();
    await lk?.close();
  });

  it("creates the room and mints tokens scoped to one room, one identity and the role's grants", async () => {
    const id = await sessionAt(s, new Date(Date.now() - 60_000));
    const therapistSocket = s.socket(clients.therapist.cookieHeader());
    await connected(therapistSocket);
    const t = await ack(therapistSocket, "call:join", { sessionId: id, peerId: peer(7) });
    expect(t.data.livekit).toMatchObject({ serverUrl: lk.url.replace(/^http/, "ws"), roomName: `session-${id}` });
    const room = lk.rooms.get(`session-${id}`);
    expect(room).toMatchObject({ maxParticipants: 4 });
    expect(JSON.parse(room!.metadata)).toMatchObject({ sessionId: id, sessionKind: "supporting" });
    expect(room!.metadata).not.toContain("Paula");

    const verifier = new TokenVerifier(lk.config.apiKey, lk.config.apiSecret);
    const therapistClaims = await verifier.verify(t.data.livekit.participantToken);
    const therapist = await userId(s, "therapist1@demo.clinic");
    expect(therapistClaims.sub).toBe(therapist.id);
    expect(therapistClaims.video).toMatchObject({ room: `session-${id}`, roomJoin: true, roomAdmin: true, canPublish: true, canSubscribe: true });
    const windowEnd = (Date.now() + 90 * 60_000 + 30 * 60_000) / 1000;
    expect(therapistClaims.exp!).toBeLessThanOrEqual(Math.ceil(windowEnd));

    // The patient is admitted once, then gets a patient token: publish and subscribe only.
    const patientSocket = s.socket(clients.patient.cookieHeader());
    await connected(patientSocket);
    await ack(patientSocket, "call:join", { sessionId: id, peerId: peer(8) });
    await ack(therapistSocket, "call:admit", { sessionId: id, userId: (await userId(s, "patient1@demo.clinic")).id });
    const p = await ack(patientSocket, "call:join", { sessionId: id, peerId: peer(8) });
    const patientClaims = await verifier.verify(p.data.livekit.participantToken);
    expect(patientClaims.video).toMatchObject({ room: `session-${id}`, roomJoin: true, canPublish: true, canSubscribe: true });
    expect(patientClaims.video?.roomAdmin).toBeFalsy();
    expect(patientClaims.video?.roomCreate).toBeFalsy();

    // Ending deletes the room.
    expect(await ack(therapistSocket, "call:end", { sessionId: id })).toMatchObject({ ok: true });
    expect(lk.requests.some((r) => r.path.endsWith("/DeleteRoom") && r.status === 200)).toBe(true);
    expect(lk.rooms.has(`session-${id}`)).toBe(false);
  });

  it("records attendance from signed webhooks and refuses forged, tampered, stale, replayed and malformed ones", async () => {
    const id = await sessionAt(s, new Date(Date.now() + 3 * 3600_000));
    const patient = await userId(s, "patient1@demo.clinic");
    const body = (event: string, createdAt = new Date(), eventId = `EV_${Math.random().toString(36).slice(2)}`) => {
      const e = new WebhookEvent({ id: eventId, createdAt: BigInt(Math.floor(createdAt.getTime() / 1000)), room: new Room({ sid: "RM_1", name: `session-${id}` }), participant: new ParticipantInfo({ sid: "PA_1", identity: patient.id }) });
      e.event = event as WebhookEvent["event"];
      return e.toJsonString();
    };
    const post = async (raw: string, auth: string | undefined) =>
      s.app.request("http://clinic.test/api/livekit/webhook", { method: "POST", body: raw, headers: { "content-type": "application/webhook+json", ...(auth ? { authorization: auth } : {}) } });
    const count = async () => (await s.database.db.selectFrom("callAttendance").selectAll().where("sessionId", "=", id).execute()).length;

    const joined = body("participant_joined");
    expect((await post(joined, await signWebhook(lk.config, joined))).status).toBe(200);
    expect(await count()).toBe(1);
    expect((await post(joined, await signWebhook(lk.config, joined))).status).toBe(409); // replay
    const forged = body("participant_joined");
    expect((await post(forged, await signWebhook({ apiKey: lk.config.apiKey, apiSecret: "not-the-secret-0123456789" }, forged))).status).toBe(401);
    expect((await post(forged.replace("participant_joined", "participant_left"), await signWebhook(lk.config, forged))).status).toBe(401); // tampered
    expect((await post(forged, undefined)).status).toBe(401);
    const stale = body("participant_joined", new Date(Date.now() - 3600_000));
    expect((await post(stale, await signWebhook(lk.config, stale))).status).toBe(401);
    const malformed = "{not json";
    expect((await post(malformed, await signWebhook(lk.config, malformed))).status).toBe(400);
    expect(await count()).toBe(1);

    const left = body("participant_left");
    expect((await post(left, await signWebhook(lk.config, left))).status).toBe(200);
    const rows = await s.database.db.selectFrom("callAttendance").selectAll().where("sessionId", "=", id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.leftAt).not.toBeNull();
  });
});
