import { TokenVerifier } from "livekit-server-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TOKEN_TTL_SECONDS, roomNameForSession, type LiveKitConfig } from "./config";
import { isLiveKitError } from "./errors";
import { connectionDetailsFor, mintAccessToken } from "./tokens";

const config: LiveKitConfig = { url: "wss://livekit.test", apiKey: "APItestKey", apiSecret: "test-secret-0123456789abcdef0123" };
const verifier = new TokenVerifier(config.apiKey, config.apiSecret);
const NOW = new Date("2030-03-04T09:00:00.000Z");
const SESSION = "0b6c9d1e-5f0a-4c8e-9a51-7d2f3e4b5a61";
const ROOM = `session-${SESSION}`;
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

beforeEach(() => {
  // AccessToken and TokenVerifier read the system clock; fake only Date so crypto and I/O still run.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("mintAccessToken", () => {
  it("gives the therapist exactly join + admin + publish/subscribe/data on the session's room", async () => {
    const { token, expiresAt, roomName } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "user-therapist-1",
      name: "Dr Anna Berg",
      role: "therapist",
      windowEndsAt: minutes(120),
    });
    const claims = await verifier.verify(token);
    expect(roomName).toBe(ROOM);
    expect(claims.video).toEqual({
      room: ROOM,
      roomJoin: true,
      roomAdmin: true,
      canPublish: true,
      canPublishSources: ["camera", "microphone", "screen_share", "screen_share_audio"],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(claims.sub).toBe("user-therapist-1");
    expect(claims.iss).toBe(config.apiKey);
    expect(claims.name).toBe("Dr Anna Berg");
    expect(claims.attributes).toEqual({ role: "therapist" });
    expect(claims.nbf).toBe(NOW.getTime() / 1000);
    expect(claims.exp).toBe(minutes(120).getTime() / 1000);
    expect(expiresAt).toEqual(minutes(120));
  });

  it("gives the patient join + camera/microphone/subscribe/data only, never a screen share, admin or server-wide grants", async () => {
    const { token } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "user-patient-7",
      name: "Piet",
      role: "patient",
      windowEndsAt: minutes(100),
    });
    const claims = await verifier.verify(token);
    expect(claims.video).toEqual({
      room: ROOM,
      roomJoin: true,
      canPublish: true,
      canPublishSources: ["camera", "microphone"],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(claims.video?.roomAdmin).toBeUndefined();
    expect(claims.sub).toBe("user-patient-7");
    expect(claims.attributes).toEqual({ role: "patient" });
  });

  it("gives invited staff (interpreter) the patient's grants", async () => {
    const { token } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "user-interpreter-3",
      name: "Interpreter",
      role: "guest_staff",
      windowEndsAt: minutes(100),
    });
    const claims = await verifier.verify(token);
    expect(claims.video?.roomAdmin).toBeUndefined();
    expect(claims.video).toMatchObject({ room: ROOM, roomJoin: true, canPublish: true, canPublishSources: ["camera", "microphone"], canSubscribe: true });
  });

  it("caps the lifetime at the default when the window is longer", async () => {
    const { token, expiresAt } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "u1",
      name: "n",
      role: "patient",
      windowEndsAt: minutes(600),
    });
    const claims = await verifier.verify(token);
    expect(claims.exp! - claims.nbf!).toBe(DEFAULT_TOKEN_TTL_SECONDS);
    expect(expiresAt.getTime()).toBe(NOW.getTime() + DEFAULT_TOKEN_TTL_SECONDS * 1000);
  });

  it("never lets the token outlast the window, also with sub-second times", async () => {
    vi.setSystemTime(new Date(NOW.getTime() + 400));
    const windowEndsAt = new Date(minutes(30).getTime() + 900);
    const { token, expiresAt } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "u1",
      name: "n",
      role: "patient",
      windowEndsAt,
    });
    const claims = await verifier.verify(token);
    expect(claims.exp! * 1000).toBeLessThanOrEqual(windowEndsAt.getTime());
    expect(claims.exp! * 1000).toBeGreaterThan(windowEndsAt.getTime() - 2000);
    expect(expiresAt.getTime()).toBe(claims.exp! * 1000);
  });

  it("issues a token that stops verifying once expired", async () => {
    const { token } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "u1",
      name: "n",
      role: "patient",
      windowEndsAt: minutes(10),
    });
    vi.setSystemTime(minutes(11));
    await expect(verifier.verify(token)).rejects.toThrow(/exp/);
  });

  it.each([
    ["at the end of the window", 0],
    ["after the window", 45],
    ["half a second before the end", -0.5 / 60],
  ])("refuses with SESSION_WINDOW_CLOSED %s", async (_label, offsetMinutes) => {
    const windowEndsAt = NOW;
    vi.setSystemTime(minutes(offsetMinutes));
    const err = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "u1",
      name: "n",
      role: "therapist",
      windowEndsAt,
    }).catch((e: unknown) => e);
    expect(isLiveKitError(err, "SESSION_WINDOW_CLOSED")).toBe(true);
  });

  it("refuses rather than sign a token longer than the window when `now` lags the clock", async () => {
    await expect(
      mintAccessToken(config, {
        sessionId: SESSION,
        identity: "u1",
        name: "n",
        role: "patient",
        windowEndsAt: minutes(20),
        now: minutes(-30),
      }),
    ).rejects.toThrow(/outlive/);
  });

  it("is scoped to one room: another session's room name differs and a forged secret does not verify", async () => {
    const { token } = await mintAccessToken(config, {
      sessionId: SESSION,
      identity: "u1",
      name: "n",
      role: "therapist",
      windowEndsAt: minutes(60),
    });
    expect((await verifier.verify(token)).video?.room).not.toBe(roomNameForSession("other-session"));
    await expect(new TokenVerifier(config.apiKey, "another-secret-xxxxxxxxxxxxxxxxx").verify(token)).rejects.toThrow();
    await expect(new TokenVerifier("APIotherKey", config.apiSecret).verify(token)).rejects.toThrow();
  });

  it.each(["", "../admin", "a b", "x".repeat(65)])("refuses the session id %j", async (sessionId) => {
    const err = await mintAccessToken(config, {
      sessionId,
      identity: "u1",
      name: "n",
      role: "patient",
      windowEndsAt: minutes(60),
    }).catch((e: unknown) => e);
    expect(isLiveKitError(err, "INVALID_SESSION_ID")).toBe(true);
  });

  it("refuses an empty identity", async () => {
    await expect(
      mintAccessToken(config, { sessionId: SESSION, identity: " ", name: "n", role: "patient", windowEndsAt: minutes(60) }),
    ).rejects.toThrow(/identity/);
  });
});

describe("connectionDetailsFor", () => {
  it("returns the meet-style connection details", async () => {
    const details = await connectionDetailsFor(config, {
      sessionId: SESSION,
      identity: "user-patient-7",
      name: "Piet",
      role: "patient",
      windowEndsAt: minutes(90),
    });
    expect(details).toMatchObject({ serverUrl: config.url, roomName: ROOM, participantName: "Piet" });
    expect((await verifier.verify(details.participantToken)).sub).toBe("user-patient-7");
    expect(details.expiresAt).toEqual(minutes(90));
  });
});
