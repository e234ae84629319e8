import { AccessToken, RoomServiceClient, ServerError } from "livekit-server-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeLiveKitServer, type FakeLiveKitServer } from "../../tests/fakes/fake-livekit-server";
import { DEPARTURE_TIMEOUT_SECONDS, EMPTY_TIMEOUT_SECONDS, MAX_PARTICIPANTS, ROOM_METADATA_APP } from "./config";
import { isLiveKitError } from "./errors";
import { createSessionRoom, deleteSessionRoom, findSessionRoom, removeSessionParticipant } from "./rooms";

const SESSION = "0b6c9d1e-5f0a-4c8e-9a51-7d2f3e4b5a61";
const ROOM = `session-${SESSION}`;
const sessionWindow = { startsAt: new Date("2030-03-04T09:00:00Z"), endsAt: new Date("2030-03-04T10:30:00Z") };

let fake: FakeLiveKitServer;
beforeAll(async () => {
  fake = await startFakeLiveKitServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.rooms.clear();
  fake.requests.length = 0;
});

async function serverError(p: Promise<unknown>): Promise<ServerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServerError);
  return err as ServerError;
}

/** A client that sends one pre-signed token instead of the SDK's per-call tokens. */
async function clientWithToken(configure: (at: AccessToken) => void, signedWith = fake.config.apiSecret) {
  const at = new AccessToken(fake.config.apiKey, signedWith, { ttl: "5m" });
  configure(at);
  return new RoomServiceClient(fake.url, undefined, undefined, { token: await at.toJwt() });
}

describe("createSessionRoom", () => {
  it("creates the room with the SDK's signed roomCreate request, limits and session metadata", async () => {
    const room = await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req).toMatchObject({ method: "CreateRoom", status: 200 });
    expect(req.authorization).toMatch(/^Bearer /);
    expect(req.claims?.iss).toBe(fake.config.apiKey);
    expect(req.claims?.video).toEqual({ roomCreate: true });
    expect(req.claims!.exp! - req.claims!.nbf!).toBeLessThanOrEqual(10 * 60);
    expect(req.body).toMatchObject({
      name: ROOM,
      emptyTimeout: EMPTY_TIMEOUT_SECONDS,
      departureTimeout: DEPARTURE_TIMEOUT_SECONDS,
      maxParticipants: MAX_PARTICIPANTS,
    });

    const metadata: unknown = JSON.parse((req.body as { metadata: string }).metadata);
    expect(metadata).toEqual({
      app: ROOM_METADATA_APP,
      sessionId: SESSION,
      sessionKind: "session",
      startsAt: "2030-03-04T09:00:00.000Z",
      endsAt: "2030-03-04T10:30:00.000Z",
    });

    expect(room).toMatchObject({
      roomName: ROOM,
      maxParticipants: MAX_PARTICIPANTS,
      emptyTimeoutSeconds: EMPTY_TIMEOUT_SECONDS,
      departureTimeoutSeconds: DEPARTURE_TIMEOUT_SECONDS,
      numParticipants: 0,
    });
    expect(room.sid).toMatch(/^RM_/);
    expect(room.createdAt).toBeInstanceOf(Date);
    expect(fake.rooms.has(ROOM)).toBe(true);
  });

  it("is idempotent: a second call returns the same open room", async () => {
    const a = await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "consultation", ...sessionWindow });
    const b = await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "consultation", ...sessionWindow });
    expect(b.sid).toBe(a.sid);
    expect(fake.rooms.size).toBe(1);
  });

  it("accepts the ws:// form of the URL, as LIVEKIT_URL is written for browsers", async () => {
    const wsConfig = { ...fake.config, url: fake.url.replace(/^http/, "ws") };
    await createSessionRoom(wsConfig, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    expect(fake.rooms.has(ROOM)).toBe(true);
  });

  it("reports a refused call as LIVEKIT_API_ERROR (wrong secret) and creates nothing", async () => {
    const err = await createSessionRoom(
      { ...fake.config, apiSecret: "wrong-secret-xxxxxxxxxxxxxxxxxxxx" },
      { sessionId: SESSION, sessionKind: "session", ...sessionWindow },
    ).catch((e: unknown) => e);
    expect(isLiveKitError(err, "LIVEKIT_API_ERROR")).toBe(true);
    expect((err as Error).cause).toBeInstanceOf(ServerError);
    expect(((err as Error).cause as ServerError).status).toBe(401);
    expect(fake.rooms.size).toBe(0);
  });

  it("puts no personal data in the metadata and refuses a free-text session kind", async () => {
    await expect(
      createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "Piet Jansen, Bell's palsy", ...sessionWindow }),
    ).rejects.toThrow(/session kind/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("findSessionRoom", () => {
  it("lists with a roomList grant and finds the open room, or null", async () => {
    expect(await findSessionRoom(fake.config, SESSION)).toBeNull();
    expect(fake.requests[0]?.claims?.video).toEqual({ roomList: true });
    await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    expect((await findSessionRoom(fake.config, SESSION))?.roomName).toBe(ROOM);
  });
});

describe("deleteSessionRoom", () => {
  it("deletes the room with a roomCreate grant", async () => {
    await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    fake.requests.length = 0;
    expect(await deleteSessionRoom(fake.config, SESSION)).toEqual({ deleted: true });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: "DeleteRoom", status: 200, body: { room: ROOM } });
    expect(fake.requests[0]!.claims?.video).toEqual({ roomCreate: true });
    expect(fake.rooms.has(ROOM)).toBe(false);
  });

  it("treats an already closed room as done", async () => {
    expect(await deleteSessionRoom(fake.config, SESSION)).toEqual({ deleted: false });
    expect(fake.requests[0]?.status).toBe(404);
  });

  it("surfaces a refused deletion and keeps the room", async () => {
    await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    const err = await deleteSessionRoom({ ...fake.config, apiKey: "APIunknown" }, SESSION).catch((e: unknown) => e);
    expect(isLiveKitError(err, "LIVEKIT_API_ERROR")).toBe(true);
    expect(fake.rooms.has(ROOM)).toBe(true);
  });
});

describe("removeSessionParticipant", () => {
  it("removes with roomAdmin on exactly this room, and tolerates one already gone", async () => {
    await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    fake.addParticipant(ROOM, "user-patient-7");
    fake.requests.length = 0;
    expect(await removeSessionParticipant(fake.config, SESSION, "user-patient-7")).toEqual({ removed: true });
    expect(fake.requests[0]!.claims?.video).toEqual({ roomAdmin: true, room: ROOM });
    expect(fake.rooms.get(ROOM)!.participants.size).toBe(0);
    expect(await removeSessionParticipant(fake.config, SESSION, "user-patient-7")).toEqual({ removed: false });
  });
});

describe("the fake LiveKit API checks authorisation as LiveKit does", () => {
  it("refuses a request without Authorization", async () => {
    const res = await fetch(`${fake.url}/twirp/livekit.RoomService/CreateRoom`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: ROOM }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", msg: "permissions denied" });
    expect(fake.rooms.size).toBe(0);
  });

  it("refuses an Authorization header that is not a Bearer token", async () => {
    const at = new AccessToken(fake.config.apiKey, fake.config.apiSecret);
    at.addGrant({ roomCreate: true });
    const res = await fetch(`${fake.url}/twirp/livekit.RoomService/CreateRoom`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: await at.toJwt() },
      body: JSON.stringify({ name: ROOM }),
    });
    expect(res.status).toBe(401);
    expect(fake.rooms.size).toBe(0);
  });

  it("refuses a validly signed token without roomCreate", async () => {
    const client = await clientWithToken((at) => at.addGrant({ roomList: true, roomAdmin: true, room: ROOM }));
    const err = await serverError(client.createRoom({ name: ROOM }));
    expect(err.status).toBe(401);
    expect(err.message).toBe("permissions denied");
    expect(fake.rooms.size).toBe(0);
    const del = await serverError(client.deleteRoom(ROOM));
    expect(del.status).toBe(401);
  });

  it("refuses a token signed with the wrong secret", async () => {
    const client = await clientWithToken((at) => at.addGrant({ roomCreate: true }), "wrong-secret-xxxxxxxxxxxxxxxxxxxx");
    const err = await serverError(client.createRoom({ name: ROOM }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/invalid token/);
    expect(fake.rooms.size).toBe(0);
  });

  it("refuses an unknown API key", async () => {
    const client = new RoomServiceClient(fake.url, "APIunknown", fake.config.apiSecret);
    const err = await serverError(client.createRoom({ name: ROOM }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/invalid API key/);
  });

  it("refuses an expired token", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.now() - 60 * 60_000));
    const client = await clientWithToken((at) => at.addGrant({ roomCreate: true }));
    vi.useRealTimers();
    const err = await serverError(client.createRoom({ name: ROOM }));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/exp/);
  });

  it("refuses roomAdmin for another room when removing a participant", async () => {
    await createSessionRoom(fake.config, { sessionId: SESSION, sessionKind: "session", ...sessionWindow });
    fake.addParticipant(ROOM, "user-patient-7");
    const client = await clientWithToken((at) => at.addGrant({ roomAdmin: true, room: "session-other" }));
    const err = await serverError(client.removeParticipant(ROOM, "user-patient-7"));
    expect(err.status).toBe(401);
    expect(fake.rooms.get(ROOM)!.participants.has("user-patient-7")).toBe(true);
  });

  it("answers an unknown method with a Twirp bad_route", async () => {
    const client = await clientWithToken((at) => at.addGrant({ roomCreate: true, roomAdmin: true, room: ROOM }));
    const err = await serverError(client.updateRoomMetadata(ROOM, "x"));
    expect(err.status).toBe(404);
    expect(err.code).toBe("bad_route");
  });
});
