import { signInOverHttp } from "../setup/sign-in";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { freePort, startAppProcess } from "../setup/app-process";

/** Starts `server/main.ts` on the embedded database in `dataDir`; resolves once /health answers. */
const start = (dataDir: string, port: number, name: string) =>
  startAppProcess({ name, port, env: { DATA_DIR: dataDir, LOG_LEVEL: "warn", AUTH_SECRET: "restart-test-secret-0123456789abcdef" } });

const signIn = (base: string, email: string) => signInOverHttp(base, email);

describe("the embedded database across restarts", () => {
  it("keeps everything after a graceful SIGTERM stop, which closes open sockets", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "clinic-restart-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(dataDir, port, "the app server (first start)");
    expect(first.output()).toContain("Demo clinic created");

    const registered = await fetch(`${base}/register`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
      body: new URLSearchParams({ name: "Rhea Restart", email: "rhea@example.com", password: "survives a restart", timeZone: "Europe/Paris" }),
    });
    expect(await registered.text()).toContain("Check your e-mail");

    const cookie = await signIn(base, "patient1@demo.clinic");
    const socket = io(base, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie, origin: base } });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    const firstStopped = first.stop("SIGTERM");
    // The transport closes (not a server-side disconnect), so browsers reconnect by themselves to the next instance.
    expect(await disconnected).toBe("transport close");
    expect(await firstStopped).toBe(0);

    const second = await start(dataDir, port, "the app server (after a restart)");
    expect(second.output()).not.toContain("Demo clinic created");
    const admin = await signIn(base, "admin@demo.clinic");
    const outbox = (await (await fetch(`${base}/api/admin/outbox`, { headers: { cookie: admin } })).json()) as { messages: { toAddress: string; subject: string }[] };
    expect(outbox.messages).toContainEqual(expect.objectContaining({ toAddress: "rhea@example.com", subject: "Confirm your e-mail address" }));
    expect(await second.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
