import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/paths";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { createTestDatabase, type TestDatabase } from "../setup/databases";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output()}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy: ${output()}`);
}

/**
 * Two app processes behind one public address share socket.io rooms through PostgreSQL: an event
 * emitted on instance B reaches a browser connected to instance A.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("scale-out over PostgreSQL", () => {
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  let urlA = "";
  let urlB = "";
  let publicUrl = "";

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    publicUrl = urlA;
    const start = async (port: number, seed: boolean) => {
      let out = "";
      const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          APP_ENV: "test",
          NODE_ENV: "production",
          HOST: "127.0.0.1",
          PORT: String(port),
          PUBLIC_URL: publicUrl,
          DATABASE_URL: database.url,
          AUTH_SECRET: "scale-out-test-secret-0123456789abcdef",
          SEED_DEMO: seed ? "true" : "false",
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (out += d));
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}`, child, () => out);
    };
    await start(portA, true);
    await start(portB, false);
  }, 90_000);

  afterAll(async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
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
