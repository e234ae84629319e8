import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../server/paths";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The logs carry no personal or health data and no secrets: recognisable values go through the main
 * flows of a real server process at the most verbose level, and none of them appears in its output.
 */
describe("application logs", () => {
  it("never contain a diary text, an e-mail, a password or a session token", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let output = "";
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ENV: "test", HOST: "127.0.0.1", PORT: String(port), PUBLIC_URL: base, DATA_DIR: mkdtempSync(path.join(tmpdir(), "clinic-logs-")), LOG_LEVEL: "trace", AUTH_SECRET: "log-test-secret-0123456789abcdefghij" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const secrets = {
      email: "zelda.logcheck@example.org",
      password: "purple elephants dance slowly",
      diary: "My left eyelid twitched QUOKKA-7731 while eating soup",
      token: "",
    };
    try {
      for (let i = 0; i < 200 && !(await fetch(`${base}/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

      const post = (url: string, form: Record<string, string>, cookie = "") =>
        fetch(`${base}${url}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: base, cookie }, body: new URLSearchParams(form) });

      await post("/register", { name: "Zelda Logcheck", email: secrets.email, password: secrets.password, timeZone: "Europe/Vienna" });
      await post("/login", { email: secrets.email, password: "a wrong password!!" });
      await post("/login", { email: secrets.email, password: secrets.password }); // not verified yet
      await post("/forgot-password", { email: secrets.email });

      const login = await post("/login", { email: "patient1@demo.clinic", password: DEMO_PASSWORD });
      const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      secrets.token = decodeURIComponent(cookie.split("=")[1]!.split(".")[0]!);
      expect(secrets.token.length).toBeGreaterThan(10);
      await fetch(`${base}/patient`, { headers: { cookie } });
      const entry = await post("/diary/new", { entryDate: new Date().toISOString().slice(0, 10), body: secrets.diary, next: "entry", tension: "3", pain: "2", tearing: "1", synkinesis: "4", eating: "5" }, cookie);
      expect([302, 303]).toContain(entry.status);
      await fetch(`${base}/diary`, { headers: { cookie } });
      await fetch(`${base}/api/me`, { headers: { cookie } });
      const socket = io(base, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie, origin: base } });
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      await socket.emitWithAck("client:heartbeat", { activity: "page" });
      await socket.emitWithAck("call:join", { sessionId: "00000000-0000-0000-0000-000000000000", peerId: "abcdefgh12" });
      socket.close();
      await post("/logout", {}, cookie);
      await fetch(`${base}/api/auth/reset-password/${secrets.token}?callbackURL=/reset-password`, { redirect: "manual" });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    expect(output).toContain('"msg":"request"'); // the logs did record the flows
    for (const value of [secrets.email, "zelda", "Zelda", secrets.password, "QUOKKA-7731", secrets.diary, secrets.token]) expect(output).not.toContain(value);
  }, 90_000);
});
