import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { type Client, signedInClients } from "../../tests/setup/sign-in";
import { connected, refused, startTestServer } from "../../tests/setup/test-server";
import { decideAccess } from "../access/access";
import { socketEvents } from "./events";

describe("socket.io on the app server", () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let clients: Record<Role, Client>;
  beforeAll(async () => {
    s = await startTestServer({ kind: "pglite" });
    clients = await signedInClients(s);
  });
  afterAll(() => s?.dispose());

  it("refuses a connection without a session, with a forged cookie, or from another site's page", async () => {
    expect(await refused(s.socket())).toBe("UNAUTHENTICATED");
    expect(await refused(s.socket("better-auth.session_token=forged.value"))).toBe("UNAUTHENTICATED");
    const foreign = s.socket(clients.patient.cookieHeader(), "https://evil.example");
    expect(await refused(foreign)).toBeTruthy();
  });

  it("accepts the page session and answers a heartbeat; refuses malformed and unknown events", async () => {
    const socket = s.socket(clients.patient.cookieHeader());
    await connected(socket);
    expect(await socket.emitWithAck("client:heartbeat", { activity: "call" })).toMatchObject({ ok: true });
    expect(await socket.emitWithAck("client:heartbeat", { activity: "dancing" })).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    expect(await socket.emitWithAck("client:heartbeat", "not an object")).toMatchObject({ ok: false, error: "INVALID_PAYLOAD" });
    expect(await socket.emitWithAck("admin:delete-everything", {})).toMatchObject({ ok: false, error: "UNKNOWN_EVENT" });
  });

  it("applies each event's access rule for every role", async () => {
    for (const role of ["patient", "therapist", "planner", "admin"] as const) {
      const socket = s.socket(clients[role].cookieHeader());
      await connected(socket);
      for (const [name, def] of Object.entries(socketEvents)) {
        const ack = await socket.emitWithAck(name, {});
        if (decideAccess(def.access, role) === "allow") expect(ack.error, `${name} as ${role}`).not.toBe("FORBIDDEN");
        else expect(ack.error, `${name} as ${role}`).toBe("FORBIDDEN");
      }
      socket.close();
    }
  });

  it("tells the other tabs of a browser session when it logs out", async () => {
    const client = clients.therapist;
    const socket = s.socket(client.cookieHeader());
    await connected(socket);
    const signedOut = new Promise((resolve) => socket.once("auth:signed-out", resolve));
    const response = await client.request("/logout", { method: "POST" });
    expect(response.status).toBe(302);
    await expect(signedOut).resolves.toEqual({});
  });
});
