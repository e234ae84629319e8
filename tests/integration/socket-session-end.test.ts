import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../server/services/demo-clinic";
import { type Client, signInAs, signedInClients } from "../setup/sign-in";
import { createClient } from "../setup/test-app";
import { connected, startTestServer } from "../setup/test-server";

const closedByServer = (socket: Socket) => new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));

/** A socket is only as signed in as its session: ending the session closes it at once. */
describe("sockets end with their session", () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  let clients: Record<"patient" | "therapist" | "planner" | "admin", Client>;
  let clock = Date.now();
  beforeAll(async () => {
    s = await startTestServer({ kind: "pglite", env: { AUTH_RATE_LIMIT_MAX: "1000" }, now: () => new Date(clock) });
    clients = await signedInClients(s);
  });
  afterAll(() => s?.dispose());

  async function freshPatient(ip: string) {
    const client = createClient(s, ip);
    expect((await signInAs(client, DEMO_USERS.find((u) => u.role === "patient" && u.email !== "patient1@demo.clinic")!.email)).status).toBe(302);
    const socket = s.socket(client.cookieHeader());
    await connected(socket);
    return { client, socket };
  }

  it("on sign-out: the socket is closed and can no longer save anything", async () => {
    const { client, socket } = await freshPatient("10.90.0.1");
    const closed = closedByServer(socket);
    expect((await client.request("/logout", { method: "POST" })).status).toBe(302);
    expect(await closed).toBe("io server disconnect");
  });

  it("on a password change: every socket of the user is closed", async () => {
    const { client, socket } = await freshPatient("10.90.0.2");
    const other = s.socket(clients.patient.cookieHeader());
    await connected(other);
    const closed = closedByServer(socket);
    const response = await client.request("/account", { method: "POST", form: { intent: "password", currentPassword: "demo-clinic-2026", password: "a brand new long passphrase", confirm: "a brand new long passphrase" } });
    expect(response.status).toBeLessThan(500);
    expect(await closed).toBe("io server disconnect");
    // Another user's socket stays open.
    expect(other.connected).toBe(true);
  });

  it("on an admin's two-step reset: the staff member's sockets are closed", async () => {
    const therapist = DEMO_USERS.find((u) => u.role === "therapist")!;
    const socket = s.socket(clients.therapist.cookieHeader());
    await connected(socket);
    const closed = closedByServer(socket);
    const user = await s.services.db.selectFrom("user").select("id").where("email", "=", therapist.email).executeTakeFirstOrThrow();
    const { resetTwoFactor } = await import("../../server/services/two-factor");
    const admin = await s.services.db.selectFrom("user").select("id").where("role", "=", "admin").executeTakeFirstOrThrow();
    await resetTwoFactor(s.services, { userId: admin.id, role: "admin", ip: "10.0.0.1", sessionId: "test" }, user.id);
    expect(await closed).toBe("io server disconnect");
  });

  it("on expiry: the next event after a minute finds the session over and closes the socket", async () => {
    const socket = s.socket(clients.planner.cookieHeader());
    await connected(socket);
    expect(await socket.emitWithAck("client:heartbeat", { activity: "call" })).toMatchObject({ ok: true });
    clock += 31 * 60_000; // past the 30-minute idle window
    const closed = closedByServer(socket);
    const ack = await Promise.race([socket.emitWithAck("client:heartbeat", { activity: "call" }), closed]);
    expect(ack === "io server disconnect" || (ack as { error?: string }).error === "UNAUTHENTICATED").toBe(true);
    expect(await closed).toBe("io server disconnect");
  });
});
