// The app against the real livekit-server (the pinned release, single node on loopback): rooms,
// what the server accepts from the tokens the app mints, and its webhooks reaching the app.
// Media (joins that go active, participant webhooks, removal from a live call) is in tests/e2e/livekit.spec.ts.

import { DisconnectReason } from "@livekit/protocol";
import { RoomServiceClient } from "livekit-server-sdk";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "../../db/schema";
import { DEPARTURE_TIMEOUT_SECONDS, EMPTY_TIMEOUT_SECONDS, MAX_PARTICIPANTS } from "../../media/livekit/config";
import { mintAccessToken } from "../../media/livekit/tokens";
import { startTestLiveKitServer, type RunningLiveKitServer } from "../setup/livekit-server";
import { isRefusal, RequestResponse_Reason, signalConnect, TrackSource, TrackType, type SignalConnection } from "../setup/livekit-signal";
import { freePort as freeTcpPort } from "../setup/app-process";
import { type Client, signedInClients } from "../setup/sign-in";
import { connected, startTestServer } from "../setup/test-server";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const ack = (socket: Socket, event: string, payload: unknown) => socket.emitWithAck(event, payload) as Promise<{ ok: boolean; error?: string; data?: any }>;

describe("the app on a real livekit-server", () => {
  let lk: RunningLiveKitServer;
  let s: Server;
  let clients: Record<Role, Client>;
  let rooms: RoomServiceClient;
  const open: SignalConnection[] = [];

  beforeAll(async () => {
    const appPort = await freeTcpPort();
    lk = await startTestLiveKitServer({ name: "integration", webhookUrl: `http://127.0.0.1:${appPort}/api/livekit/webhook` });
    s = await startTestServer({ kind: "pglite", port: appPort, env: { LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret } });
    clients = await signedInClients(s);
    rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await s?.dispose();
    await lk?.stop();
  });

  async function user(email: string) {
    return s.database.db.selectFrom("user").select(["id", "name"]).where("email", "=", email).executeTakeFirstOrThrow();
  }

  let sessions = 0;
  /** A short session of therapist1 with patient1, in the recent past but still joinable (not overlapping the others). */
  async function openSession(): Promise<string> {
    const therapist = await user("therapist1@demo.clinic");
    const patient = await user("patient1@demo.clinic");
    const startsAt = new Date(Date.now() - 60_000 - sessions++ * 6 * 60_000);
    const row = await s.database.db
      .insertInto("clinicalSession")
      .values({ kind: "supporting", therapistId: therapist.id, patientId: patient.id, programId: null, sequence: null, startsAt, endsAt: new Date(startsAt.getTime() + 5 * 60_000), cancelledAt: null, cancelReason: null, createdBy: therapist.id, updatedAt: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Therapist and patient join through the app (the patient admitted), as the call page does. */
  async function joinBoth(sessionId: string) {
    const therapistSocket = s.socket(clients.therapist.cookieHeader());
    const patientSocket = s.socket(clients.patient.cookieHeader());
    await Promise.all([connected(therapistSocket), connected(patientSocket)]);
    const t = await ack(therapistSocket, "call:join", { sessionId, peerId: "therapist-tab-1" });
    expect(await ack(patientSocket, "call:join", { sessionId, peerId: "patient-tab-1" })).toMatchObject({ ok: true, data: { state: "waiting" } });
    await ack(therapistSocket, "call:admit", { sessionId, userId: (await user("patient1@demo.clinic")).id });
    const p = await ack(patientSocket, "call:join", { sessionId, peerId: "patient-tab-1" });
    return { therapistSocket, patientSocket, therapistToken: t.data.livekit.participantToken as string, patientToken: p.data.livekit.participantToken as string };
  }

  async function connect(token: string, params?: Record<string, string>): Promise<SignalConnection> {
    const result = await signalConnect(lk.url, token, params);
    if (isRefusal(result)) throw new Error(`refused: ${result.status} ${result.body}`);
    open.push(result);
    return result;
  }

  it("creates the session's room on the server with the app's limits, and the server holds to them", async () => {
    const id = await openSession();
    const { therapistToken, patientToken } = await joinBoth(id);
    const [room] = await rooms.listRooms([`session-${id}`]);
    expect(room).toMatchObject({ name: `session-${id}`, emptyTimeout: EMPTY_TIMEOUT_SECONDS, departureTimeout: DEPARTURE_TIMEOUT_SECONDS, maxParticipants: MAX_PARTICIPANTS });
    expect(JSON.parse(room!.metadata)).toMatchObject({ sessionId: id, sessionKind: "supporting" });

    const therapist = await connect(therapistToken);
    expect(therapist.join.room?.name).toBe(`session-${id}`);
    expect(therapist.join.participant?.identity).toBe((await user("therapist1@demo.clinic")).id);
    const patient = await connect(patientToken);
    // Two more seats (interpreter, a second device), then the server turns the fifth away.
    const config = { url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };
    const extra = (n: number) => mintAccessToken(config, { sessionId: id, identity: `guest-${n}`, name: "Guest", role: "guest_staff", windowEndsAt: new Date(Date.now() + 3600_000) });
    await connect((await extra(1)).token);
    await connect((await extra(2)).token);
    const fifth = await signalConnect(lk.url, (await extra(3)).token);
    if (!isRefusal(fifth)) open.push(fifth);
    expect(isRefusal(fifth)).toBe(true);
    expect((await rooms.listParticipants(`session-${id}`)).map((p) => p.identity).sort()).toEqual(["guest-1", "guest-2", ...[therapist, patient].map((c) => c.join.participant!.identity)].sort());
  });

  it("refuses an expired token, keeps a token to its own room, and refuses sources and admin rights the role lacks", async () => {
    const id = await openSession();
    const other = crypto.randomUUID();
    const { therapistToken, patientToken } = await joinBoth(id);
    const config = { url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };

    // Expired: minted by the app's own code for a window that ended two hours ago (LiveKit allows a minute of skew).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.now() - 3 * 3600_000));
    const expired = await mintAccessToken(config, { sessionId: id, identity: (await user("patient1@demo.clinic")).id, name: "Paula", role: "patient", windowEndsAt: new Date(Date.now() + 3600_000) });
    vi.useRealTimers();
    const refused = await signalConnect(lk.url, expired.token);
    expect(refused).toMatchObject({ refused: true, status: 401 });
    expect((refused as { body: string }).body).toMatch(/expired|exp/i);
    expect((await fetch(`${lk.httpUrl}/rtc/validate?access_token=${expired.token}`)).status).toBe(401);

    // A token names its room: asking for another session's room still lands in the token's own.
    const patient = await connect(patientToken, { room: `session-${other}` });
    expect(patient.join.room?.name).toBe(`session-${id}`);
    // Nor does the therapist's admin right reach another session's room.
    const removeElsewhere = await fetch(`${lk.httpUrl}/twirp/livekit.RoomService/RemoveParticipant`, {
      method: "POST",
      headers: { authorization: `Bearer ${therapistToken}`, "content-type": "application/json" },
      body: JSON.stringify({ room: `session-${other}`, identity: "anyone" }),
    });
    expect(removeElsewhere.status).toBe(401);
    // The patient's token has no admin right in its own room either.
    const patientRemoves = await fetch(`${lk.httpUrl}/twirp/livekit.RoomService/RemoveParticipant`, {
      method: "POST",
      headers: { authorization: `Bearer ${patientToken}`, "content-type": "application/json" },
      body: JSON.stringify({ room: `session-${id}`, identity: (await user("therapist1@demo.clinic")).id }),
    });
    expect(patientRemoves.status).toBe(401);

    // The patient publishes a camera, but not a screen share; the therapist may share a screen.
    expect((await patient.addTrack(TrackSource.CAMERA, TrackType.VIDEO))?.case).toBe("trackPublished");
    const share = await patient.addTrack(TrackSource.SCREEN_SHARE, TrackType.VIDEO);
    expect(share).toMatchObject({ case: "requestResponse", value: { reason: RequestResponse_Reason.NOT_ALLOWED } });
    const therapist = await connect(therapistToken);
    expect((await therapist.addTrack(TrackSource.SCREEN_SHARE, TrackType.VIDEO))?.case).toBe("trackPublished");
  });

  it("the therapist removes the patient: the server disconnects them, and joining again puts them in the waiting room", async () => {
    const id = await openSession();
    const { therapistSocket, patientSocket, patientToken } = await joinBoth(id);
    const patientId = (await user("patient1@demo.clinic")).id;
    const patient = await connect(patientToken);
    expect(await ack(patientSocket, "call:remove", { sessionId: id, userId: (await user("therapist1@demo.clinic")).id })).toMatchObject({ ok: false, error: "FORBIDDEN" });

    const told = new Promise((resolve) => patientSocket.once("call:removed", resolve));
    expect(await ack(therapistSocket, "call:remove", { sessionId: id, userId: patientId })).toMatchObject({ ok: true });
    const leave = await patient.next("leave");
    expect(leave).toMatchObject({ case: "leave", value: { reason: DisconnectReason.PARTICIPANT_REMOVED } });
    expect(await told).toEqual({ sessionId: id });
    expect((await rooms.listParticipants(`session-${id}`)).map((p) => p.identity)).not.toContain(patientId);
    expect(await ack(patientSocket, "call:join", { sessionId: id, peerId: "patient-tab-1" })).toMatchObject({ ok: true, data: { state: "waiting" } });
  });

  it("ending the session closes the room: the server disconnects everyone and its room_finished webhook reaches the app", async () => {
    const id = await openSession();
    const { therapistSocket, patientToken } = await joinBoth(id);
    const patient = await connect(patientToken);
    const webhooks = () => s.database.db.selectFrom("livekitWebhookEvent").select("id").execute();
    const before = (await webhooks()).length;
    expect(await ack(therapistSocket, "call:end", { sessionId: id })).toMatchObject({ ok: true });
    const leave = await patient.next("leave");
    expect(leave?.case).toBe("leave");
    expect(await rooms.listRooms([`session-${id}`])).toHaveLength(0);
    // room_finished (and room_started before it) arrive signed by the server and are accepted once.
    await vi.waitFor(async () => expect((await webhooks()).length).toBeGreaterThan(before), { timeout: 10_000, interval: 200 });
  });
});
