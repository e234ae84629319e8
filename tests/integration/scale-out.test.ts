import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { type AppProcess, freePort, startAppProcess } from "../setup/app-process";
import { createTestDatabase, type TestDatabase } from "../setup/databases";

/**
 * Two app processes behind one public address share socket.io rooms through PostgreSQL: an event
 * emitted on instance B reaches a browser connected to instance A.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("scale-out over PostgreSQL", () => {
  let database: TestDatabase;
  const apps: AppProcess[] = [];
  let urlA = "";
  let urlB = "";
  let publicUrl = "";

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    publicUrl = urlA;
    const start = async (port: number, seed: boolean, name: string) => {
      const app = await startAppProcess({
        name,
        port,
        env: { PUBLIC_URL: publicUrl, DATABASE_URL: database.url, AUTH_SECRET: "scale-out-test-secret-0123456789abcdef", SEED_DEMO: seed ? "true" : "false", LOG_LEVEL: "warn" },
      });
      apps.push(app);
    };
    await start(portA, true, "app instance A");
    await start(portB, false, "app instance B");
  }, 90_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.dispose();
  });

  it("both instances report the same PostgreSQL as healthy", async () => {
    for (const url of [urlA, urlB]) {
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "ok", db: "postgres" });
    }
  });

  it("a message emitted to a room on instance B reaches a client connected to instance A", async () => {
    const publicHost = new URL(publicUrl).host;
    const login = await fetch(`${urlA}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: publicUrl },
      body: new URLSearchParams({ email: "patient1@demo.clinic", password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(302);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

    const socket = io(urlA, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie, origin: publicUrl } });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const received = new Promise((resolve) => socket.once("auth:signed-out", resolve));
    // The load balancer sends this request to B; B emits to the browser session's room.
    const logout = await fetch(`${urlB}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: publicUrl, "x-forwarded-host": publicHost, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(logout.status).toBe(302);
    await expect(Promise.race([received, new Promise((_, reject) => setTimeout(() => reject(new Error("no event from B")), 5000))])).resolves.toEqual({});
    socket.close();
  });
});
