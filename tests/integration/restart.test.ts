import { signInOverHttp } from "../setup/sign-in";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/paths";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `server/main.ts` on the embedded database in `dataDir`; resolves once /health answers. */
async function start(dataDir: string, port: number) {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ENV: "test", HOST: "127.0.0.1", PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: "warn", AUTH_SECRET: "restart-test-secret-0123456789abcdef" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(output);
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return { child, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no health: ${output}`);
}

const stopped = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

const signIn = (base: string, email: string) => signInOverHttp(base, email);

describe("the embedded database across restarts", () => {
  it("keeps everything after a graceful SIGTERM stop, which closes open sockets", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "clinic-restart-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(dataDir, port);
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
    first.child.kill("SIGTERM");
    expect(await disconnected).toBe("io server disconnect");
    expect(await stopped(first.child)).toBe(0);

    const second = await start(dataDir, port);
    expect(second.output()).not.toContain("Demo clinic created");
    const admin = await signIn(base, "admin@demo.clinic");
    const outbox = (await (await fetch(`${base}/api/admin/outbox`, { headers: { cookie: admin } })).json()) as { messages: { toAddress: string; subject: string }[] };
    expect(outbox.messages).toContainEqual(expect.objectContaining({ toAddress: "rhea@example.com", subject: "Confirm your e-mail address" }));
    second.child.kill("SIGTERM");
    expect(await stopped(second.child)).toBe(0);
  }, 90_000);
});
