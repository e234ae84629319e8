import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { invalidateSession } from "../../server/auth/session-cache";
import { socketEvents } from "../../server/realtime/events";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { databaseKinds } from "../setup/databases";
import { type Client, signedInClients, signInAs } from "../setup/sign-in";
import { createClient, TEST_ORIGIN } from "../setup/test-app";
import { connected, startTestServer } from "../setup/test-server";

type Server = Awaited<ReturnType<typeof startTestServer>>;

async function tableCounts(s: Server): Promise<Record<string, number>> {
  const tables = await sql<{ tableName: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(s.database.db);
  const counts: Record<string, number> = {};
  for (const { tableName } of tables.rows) {
    if (tableName === "audit_event" || tableName === "rate_limit" || tableName === "kysely_migration" || tableName === "kysely_migration_lock") continue;
    counts[tableName] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(tableName)}`.execute(s.database.db)).rows[0]!.n;
  }
  return counts;
}

describe.each(databaseKinds)("trust on %s", (kind) => {
  let s: Server;
  let clients: Record<Role, Client>;
  beforeAll(async () => {
    s = await startTestServer({ kind, env: { AUTH_RATE_LIMIT_MAX: "1000" } });
    clients = await signedInClients(s);
  });
  afterAll(() => s?.dispose());

  const events = (action: string) => s.database.db.selectFrom("auditEvent").selectAll().where("action", "=", action).execute();

  it("records logins and refused access in an append-only audit trail", async () => {
    expect((await events("auth.login")).filter((e) => e.outcome === "allowed").length).toBeGreaterThanOrEqual(4);
    const patient = await s.database.db.selectFrom("user").select("id").where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow();
    expect((await clients.patient.request("/admin")).status).toBe(403);
    expect((await clients.patient.request("/api/admin/outbox")).status).toBe(403);
    const refused = await events("access.refused");
    expect(refused).toEqual(expect.arrayContaining([
      expect.objectContaining({ actorId: patient.id, recordType: "page", recordId: "routes/admin._index", outcome: "refused" }),
      expect.objectContaining({ actorId: patient.id, recordType: "api", recordId: "GET /admin/outbox" }),
    ]));
    await expect(sql`update audit_event set action = 'x'`.execute(s.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_event`.execute(s.database.db)).rejects.toThrow(/append-only/);
  });

  it("lets only admins search the trail by user, and export it as CSV", async () => {
    const patient = await s.database.db.selectFrom("user").select("id").where("email", "=", "patient1@demo.clinic").executeTakeFirstOrThrow();
    const page = await (await clients.admin.request(`/admin/audit?actorId=${patient.id}&action=access`)).text();
    expect(page).toContain("access.refused");
    expect(page).not.toContain("auth.logout");
    const csv = await clients.admin.request(`/admin/audit/export?actorId=${patient.id}`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="audit-/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("at,actorId,actorRole,action,outcome,recordType,recordId,patientId,ip");
    expect(lines.slice(1).every((l) => l.includes(`"${patient.id}"`))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
    expect((await clients.therapist.request("/admin/audit/export")).status).toBe(403);
    expect(await (await clients.admin.request("/admin/audit?from=not-a-date")).text()).toContain("Enter a valid date");
  });

  it("locks an account after 10 failed logins in 15 minutes, whatever the address, without telling whether it exists", async () => {
    const attempt = (email: string, password: string, n: number) =>
      createClient(s, `10.77.${n}.1`).request("/login", { method: "POST", form: { email, password } }).then((r) => r.text());
    for (let i = 0; i < 10; i++) expect(await attempt("patient3@demo.clinic", "wrong password!!", i)).toContain("The e-mail or password is not correct.");
    expect(await attempt("patient3@demo.clinic", DEMO_PASSWORD, 11)).toContain("Too many attempts");
    for (let i = 0; i < 10; i++) await attempt("nobody-here@demo.clinic", "wrong password!!", 20 + i);
    expect(await attempt("nobody-here@demo.clinic", "wrong password!!", 31)).toContain("Too many attempts");
    const other = await signInAs(createClient(s, "10.77.40.1"), "therapist2@demo.clinic");
    expect(other.status).toBe(302);
  });

  it("refuses common and leaked passwords, in our forms and on better-auth's own endpoint", async () => {
    const html = await (await createClient(s, "10.78.0.1").request("/register", { method: "POST", form: { name: "Lena", email: "lena@example.com", password: "Password1234!", timeZone: "UTC" } })).text();
    expect(html).toContain("This password is too common");
    const direct = await s.app.request(`${TEST_ORIGIN}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ name: "Lena", email: "lena@example.com", password: "123qweasdzxc" }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.json()).toMatchObject({ code: "PASSWORD_COMMON" });
    expect(await s.database.db.selectFrom("user").select("id").where("email", "=", "lena@example.com").executeTakeFirst()).toBeUndefined();
  });

  it("refuses a malformed payload for every socket event without any side effect", async () => {
    const socket = s.socket(clients.therapist.cookieHeader());
    await connected(socket);
    const before = await tableCounts(s);
    const garbage = [null, 42, "text", [], { junk: true }, { sessionId: "../../etc" }];
    for (const name of Object.keys(socketEvents)) {
      for (const payload of garbage) {
        const ack = await socket.emitWithAck(name, payload);
        expect(ack.ok, `${name} ${JSON.stringify(payload)}`).toBe(false);
        expect(["INVALID_PAYLOAD", "FORBIDDEN", "NOT_IN_CALL"], `${name}: ${ack.error}`).toContain(ack.error);
      }
    }
    expect(await tableCounts(s)).toEqual(before);
  });

  it("rate-limits socket events per connection", async () => {
    const socket = s.socket(clients.patient.cookieHeader());
    await connected(socket);
    const acks = await Promise.all(Array.from({ length: 400 }, () => socket.emitWithAck("client:heartbeat", { activity: "page" })));
    const limited = acks.filter((a) => a.error === "RATE_LIMITED").length;
    expect(limited).toBeGreaterThan(0);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThan(100);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await socket.emitWithAck("client:heartbeat", { activity: "page" })).toMatchObject({ ok: true });
  });

  it("ends a session after 30 idle minutes or 12 hours in all, and slides the idle window with activity", async () => {
    const client = createClient(s, "10.79.0.1");
    expect((await signInAs(client, "planner@demo.clinic")).status).toBe(302);
    const token = decodeURIComponent(client.cookieHeader().split("=")[1]!.split(".")[0]!);
    // Time travels by editing the session row; the app's few-second session cache is told, as code that ends sessions does.
    const setSession = async (values: { createdAt?: Date; updatedAt?: Date; expiresAt?: Date }) => {
      await s.database.db.updateTable("session").set(values).where("token", "=", token).execute();
      invalidateSession(token);
    };

    // Activity after the refresh age: the server extends the session and sends a fresh cookie.
    await setSession({ updatedAt: new Date(Date.now() - 6 * 60_000), expiresAt: new Date(Date.now() + 24 * 60_000) });
    const active = await client.request("/planner");
    expect(active.status).toBe(200);
    expect(active.headers.getSetCookie().some((c) => c.includes("session_token"))).toBe(true);
    const extended = await s.database.db.selectFrom("session").select("expiresAt").where("token", "=", token).executeTakeFirstOrThrow();
    expect(extended.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);

    // 12 hours after sign-in the session ends, however active.
    await setSession({ createdAt: new Date(Date.now() - 12 * 3600_000 - 60_000) });
    const late = await client.request("/planner");
    expect(late.headers.get("location")).toMatch(/^\/login/);
    expect(await s.database.db.selectFrom("session").select("id").where("token", "=", token).executeTakeFirst()).toBeUndefined();

    // 30 idle minutes end a session too.
    const idle = createClient(s, "10.79.0.2");
    await signInAs(idle, "planner@demo.clinic");
    const idleToken = decodeURIComponent(idle.cookieHeader().split("=")[1]!.split(".")[0]!);
    await s.database.db.updateTable("session").set({ expiresAt: new Date(Date.now() - 1000) }).where("token", "=", idleToken).execute();
    invalidateSession(idleToken);
    expect((await idle.request("/planner")).headers.get("location")).toMatch(/^\/login/);
  });

  it("a password change ends the user's other sessions and needs the current password", async () => {
    const here = createClient(s, "10.80.0.1");
    const elsewhere = createClient(s, "10.80.0.2");
    for (const c of [here, elsewhere]) expect((await signInAs(c, "therapist2@demo.clinic")).status).toBe(302);
    const wrong = await here.request("/account", { method: "POST", form: { currentPassword: "not it at all", password: "a new long sentence", confirm: "a new long sentence" } });
    expect(await wrong.text()).toContain("This is not your current password");
    const changed = await here.request("/account", { method: "POST", form: { currentPassword: DEMO_PASSWORD, password: "a new long sentence", confirm: "a new long sentence" } });
    expect(await changed.text()).toContain("You were logged out on every other device");
    expect((await here.request("/therapist")).status).toBe(200);
    expect((await elsewhere.request("/therapist")).headers.get("location")).toMatch(/^\/login/);
    expect((await signInAs(createClient(s, "10.80.0.3"), "therapist2@demo.clinic", "a new long sentence")).status).toBe(302);
    expect(await events("auth.password_changed")).toHaveLength(2);
  });
});
