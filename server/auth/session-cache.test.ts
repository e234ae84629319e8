import { beforeEach, describe, expect, it } from "vitest";
import type { AuthSession } from "./auth";
import { cachedSession, clearSessionCache, invalidate, invalidateSession, rememberSession, sessionCookieValue, sessionGeneration, TTL_MS } from "./session-cache";

const session = (userId: string): AuthSession => ({
  sessionId: `s-${userId}`,
  user: { id: userId, name: "N", email: "n@example.org", role: "patient", timeZone: "UTC", emailVerified: true, twoFactorEnabled: false, twoFactorSetupRequired: false },
});

describe("session cache", () => {
  beforeEach(() => clearSessionCache());

  it("finds the signed session cookie under any of its prefixes", () => {
    expect(sessionCookieValue("a=1; better-auth.session_token=tok.sig%3D; b=2")).toBe("tok.sig%3D");
    expect(sessionCookieValue("__Host-better-auth.session_token=tok.sig")).toBe("tok.sig");
    expect(sessionCookieValue("__Secure-better-auth.session_token=tok.sig; x=y")).toBe("tok.sig");
    expect(sessionCookieValue("not-better-auth.session_token_x=1")).toBeUndefined();
    expect(sessionCookieValue(undefined)).toBeUndefined();
  });

  it("answers for a few seconds, then asks again", () => {
    const g = sessionGeneration();
    rememberSession("tok.sig", session("u1"), g, 1_000);
    expect(cachedSession("tok.sig", 1_000 + TTL_MS - 1)?.user.id).toBe("u1");
    expect(cachedSession("tok.sig", 1_000 + TTL_MS)).toBeUndefined();
  });

  it("never answers for a cookie whose signature differs", () => {
    rememberSession("tok.sig", session("u1"), sessionGeneration());
    expect(cachedSession("tok.forged")).toBeUndefined();
  });

  it("forgets every session of a user, or one session by its token", () => {
    let g = sessionGeneration();
    rememberSession("a.sig", session("u1"), g);
    rememberSession("b.sig", session("u1"), g);
    rememberSession("c.sig", session("u2"), g);
    invalidate("u1");
    expect([cachedSession("a.sig"), cachedSession("b.sig"), cachedSession("c.sig")?.user.id]).toEqual([undefined, undefined, "u2"]);
    g = sessionGeneration();
    rememberSession("d%2Bx.sig", session("u3"), g);
    invalidateSession("d+x"); // the token as the session table stores it
    expect(cachedSession("d%2Bx.sig")).toBeUndefined();
    expect(cachedSession("c.sig")?.user.id).toBe("u2");
  });

  it("does not remember a lookup that a sign-out overtook", () => {
    const g = sessionGeneration();
    invalidate("u1"); // while the lookup for u1 was running
    rememberSession("a.sig", session("u1"), g);
    expect(cachedSession("a.sig")).toBeUndefined();
  });
});
