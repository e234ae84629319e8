import { ParticipantInfo, Room, WebhookEvent } from "livekit-server-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signWebhook } from "../../tests/fakes/fake-livekit-server";
import type { LiveKitConfig } from "./config";
import { isLiveKitError, type LiveKitErrorCode } from "./errors";
import { receiveWebhook } from "./webhooks";

const config: LiveKitConfig = { url: "wss://livekit.test", apiKey: "APItestKey", apiSecret: "test-secret-0123456789abcdef0123" };
const NOW = new Date("2030-03-04T09:00:00.000Z");
const SESSION = "0b6c9d1e-5f0a-4c8e-9a51-7d2f3e4b5a61";
let eventCounter = 0;

/** A webhook body serialised by the SDK's own protobuf classes, as LiveKit sends it. */
function eventBody(fields: {
  event: string;
  room?: string;
  identity?: string;
  createdAt?: Date;
  id?: string;
}): string {
  const event = new WebhookEvent({
    id: fields.id ?? `EV_test${++eventCounter}`,
    createdAt: BigInt(Math.floor((fields.createdAt ?? NOW).getTime() / 1000)),
    room: new Room({ sid: "RM_abc", name: fields.room ?? `session-${SESSION}` }),
    participant: fields.identity ? new ParticipantInfo({ sid: "PA_x", identity: fields.identity }) : undefined,
  });
  // SDK trap: the SDK's WebhookEvent redeclares `event` as a class field initialised to "", which
  // overwrites the value passed to the constructor; it has to be assigned afterwards.
  event.event = fields.event as WebhookEvent["event"];
  return event.toJsonString();
}

/** An in-memory processed-ids store with the atomic "mark and tell" contract. */
function memoryStore() {
  const ids = new Set<string>();
  const seenIds = vi.fn(async (id: string) => {
    if (ids.has(id)) return true;
    ids.add(id);
    return false;
  });
  return { ids, seenIds };
}

async function refusal(p: Promise<unknown>): Promise<LiveKitErrorCode | "accepted"> {
  try {
    await p;
    return "accepted";
  } catch (err) {
    if (isLiveKitError(err)) return err.code;
    throw err;
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("receiveWebhook: accepted events", () => {
  it("turns a signed participant_joined into an attendance fact", async () => {
    const store = memoryStore();
    const body = eventBody({ event: "participant_joined", identity: "user-patient-7", id: "EV_join1" });
    const result = await receiveWebhook(config, body, await signWebhook(config, body), { seenIds: store.seenIds });
    expect(result).toEqual({
      kind: "participant_joined",
      event: "participant_joined",
      sessionId: SESSION,
      identity: "user-patient-7",
      at: NOW,
      eventId: "EV_join1",
    });
    expect([...store.ids]).toEqual(["EV_join1"]);
  });

  it("reports participant_left and room_finished", async () => {
    const store = memoryStore();
    const left = eventBody({ event: "participant_left", identity: "user-therapist-1" });
    const finished = eventBody({ event: "room_finished" });
    const r1 = await receiveWebhook(config, left, await signWebhook(config, left), { seenIds: store.seenIds });
    const r2 = await receiveWebhook(config, finished, await signWebhook(config, finished), { seenIds: store.seenIds });
    expect(r1).toMatchObject({ kind: "participant_left", sessionId: SESSION, identity: "user-therapist-1" });
    expect(r2).toMatchObject({ kind: "room_finished", sessionId: SESSION, identity: null });
  });

  it("ignores events it does not record and rooms that are not session rooms", async () => {
    const store = memoryStore();
    const track = eventBody({ event: "track_published", identity: "user-patient-7" });
    const foreign = eventBody({ event: "participant_joined", room: "someone-elses-room", identity: "x" });
    const r1 = await receiveWebhook(config, track, await signWebhook(config, track), { seenIds: store.seenIds });
    const r2 = await receiveWebhook(config, foreign, await signWebhook(config, foreign), { seenIds: store.seenIds });
    expect(r1).toMatchObject({ kind: "ignored", event: "track_published", sessionId: SESSION });
    expect(r2).toMatchObject({ kind: "ignored", sessionId: null });
  });

  it("accepts an event a few minutes old, within the allowed age", async () => {
    const store = memoryStore();
    const body = eventBody({ event: "participant_joined", identity: "u", createdAt: new Date(NOW.getTime() - 4 * 60_000) });
    const auth = await signWebhook(config, body);
    expect(await refusal(receiveWebhook(config, body, auth, { seenIds: store.seenIds }))).toBe("accepted");
  });
});

describe("receiveWebhook: refused deliveries change nothing", () => {
  const body = () => eventBody({ event: "participant_joined", identity: "user-patient-7" });

  it("refuses a missing Authorization header", async () => {
    const store = memoryStore();
    expect(await refusal(receiveWebhook(config, body(), undefined, { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(await refusal(receiveWebhook(config, body(), "", { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses a signature made with another secret (forged)", async () => {
    const store = memoryStore();
    const b = body();
    const forged = await signWebhook({ apiKey: config.apiKey, apiSecret: "attacker-secret-xxxxxxxxxxxxxxxx" }, b);
    expect(await refusal(receiveWebhook(config, b, forged, { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses a signature made under another API key", async () => {
    const store = memoryStore();
    const b = body();
    const wrongKey = await signWebhook({ apiKey: "APIotherKey", apiSecret: config.apiSecret }, b);
    expect(await refusal(receiveWebhook(config, b, wrongKey, { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses a tampered body (valid signature of a different body)", async () => {
    const store = memoryStore();
    const original = eventBody({ event: "participant_joined", identity: "user-patient-7", id: "EV_orig" });
    const auth = await signWebhook(config, original);
    const tampered = original.replace("user-patient-7", "user-patient-8");
    expect(tampered).not.toBe(original);
    expect(await refusal(receiveWebhook(config, tampered, auth, { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses garbage in the Authorization header", async () => {
    const store = memoryStore();
    expect(await refusal(receiveWebhook(config, body(), "not-a-jwt", { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses a stale event (old createdAt under a fresh signature)", async () => {
    const store = memoryStore();
    const b = eventBody({ event: "participant_joined", identity: "u", createdAt: new Date(NOW.getTime() - 10 * 60_000) });
    expect(await refusal(receiveWebhook(config, b, await signWebhook(config, b), { seenIds: store.seenIds }))).toBe(
      "WEBHOOK_STALE",
    );
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses an event dated in the future", async () => {
    const store = memoryStore();
    const b = eventBody({ event: "participant_joined", identity: "u", createdAt: new Date(NOW.getTime() + 10 * 60_000) });
    expect(await refusal(receiveWebhook(config, b, await signWebhook(config, b), { seenIds: store.seenIds }))).toBe(
      "WEBHOOK_STALE",
    );
  });

  it("honours a configured maximum age", async () => {
    const store = memoryStore();
    const b = eventBody({ event: "participant_joined", identity: "u", createdAt: new Date(NOW.getTime() - 90_000) });
    const auth = await signWebhook(config, b);
    expect(await refusal(receiveWebhook(config, b, auth, { seenIds: store.seenIds, maxAgeSeconds: 60 }))).toBe("WEBHOOK_STALE");
  });

  it("refuses a replay whose signature has expired", async () => {
    const store = memoryStore();
    vi.setSystemTime(new Date(NOW.getTime() - 20 * 60_000));
    const b = eventBody({ event: "participant_joined", identity: "u", createdAt: new Date(NOW.getTime() - 20 * 60_000) });
    const auth = await signWebhook(config, b);
    vi.setSystemTime(NOW);
    expect(await refusal(receiveWebhook(config, b, auth, { seenIds: store.seenIds }))).toBe("WEBHOOK_UNAUTHORIZED");
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses the same event delivered twice, recording it once", async () => {
    const store = memoryStore();
    const b = eventBody({ event: "participant_joined", identity: "u", id: "EV_once" });
    const auth = await signWebhook(config, b);
    expect(await refusal(receiveWebhook(config, b, auth, { seenIds: store.seenIds }))).toBe("accepted");
    expect(await refusal(receiveWebhook(config, b, auth, { seenIds: store.seenIds }))).toBe("WEBHOOK_REPLAYED");
    expect([...store.ids]).toEqual(["EV_once"]);
  });

  it.each([
    ["non-JSON", "this is not json"],
    ["JSON of the wrong shape", JSON.stringify({ event: 42, room: "nope" })],
    ["an event without id", JSON.stringify({ event: "participant_joined", createdAt: String(NOW.getTime() / 1000) })],
    ["an event without createdAt", JSON.stringify({ event: "participant_joined", id: "EV_x" })],
  ])("refuses a correctly signed but malformed body: %s", async (_label, b) => {
    const store = memoryStore();
    expect(await refusal(receiveWebhook(config, b, await signWebhook(config, b), { seenIds: store.seenIds }))).toBe(
      "WEBHOOK_MALFORMED",
    );
    expect(store.seenIds).not.toHaveBeenCalled();
  });

  it("refuses a malformed body that is not signed as unauthorised, not as malformed", async () => {
    const store = memoryStore();
    const auth = await signWebhook(config, "something else");
    expect(await refusal(receiveWebhook(config, "this is not json", auth, { seenIds: store.seenIds }))).toBe(
      "WEBHOOK_UNAUTHORIZED",
    );
  });
});
