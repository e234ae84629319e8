import { describe, expect, it } from "vitest";
import { liveKitConfigFrom, roomNameForSession, sessionIdFromRoomName } from "./config";
import { isLiveKitError } from "./errors";

describe("room names", () => {
  it("maps a session to one room and back", () => {
    const id = "0b6c9d1e-5f0a-4c8e-9a51-7d2f3e4b5a61";
    expect(roomNameForSession(id)).toBe(`session-${id}`);
    expect(sessionIdFromRoomName(roomNameForSession(id))).toBe(id);
  });

  it("does not take foreign rooms for sessions", () => {
    expect(sessionIdFromRoomName("lobby")).toBeNull();
    expect(sessionIdFromRoomName("session-")).toBeNull();
    expect(sessionIdFromRoomName("session-a/b")).toBeNull();
  });
});

describe("liveKitConfigFrom", () => {
  it("is null when LiveKit is not configured (peer-to-peer transport)", () => {
    expect(liveKitConfigFrom({})).toBeNull();
    expect(liveKitConfigFrom({ LIVEKIT_URL: " " })).toBeNull();
  });

  it("builds the config when all three are set", () => {
    expect(
      liveKitConfigFrom({ LIVEKIT_URL: "wss://lk.example.org", LIVEKIT_API_KEY: "APIk", LIVEKIT_API_SECRET: "s" }),
    ).toEqual({ url: "wss://lk.example.org", apiKey: "APIk", apiSecret: "s" });
  });

  it("names every missing variable when partly configured", () => {
    let err: unknown;
    try {
      liveKitConfigFrom({ LIVEKIT_URL: "wss://lk.example.org" });
    } catch (e) {
      err = e;
    }
    expect(isLiveKitError(err, "LIVEKIT_CONFIG_INCOMPLETE")).toBe(true);
    expect((err as Error).message).toContain("LIVEKIT_API_KEY, LIVEKIT_API_SECRET");
  });

  it("refuses a URL without a scheme", () => {
    expect(() =>
      liveKitConfigFrom({ LIVEKIT_URL: "lk.example.org", LIVEKIT_API_KEY: "k", LIVEKIT_API_SECRET: "s" }),
    ).toThrow(/LIVEKIT_URL/);
  });
});
