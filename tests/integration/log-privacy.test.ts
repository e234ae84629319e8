import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/services/demo-clinic";
import { freePort, startAppProcess } from "../setup/app-process";

/**
 * The logs carry no personal or health data and no secrets: recognisable values go through the main
 * flows of a real server process at the most verbose level, and none of them appears in its output.
 */
describe("application logs", () => {
  it("never contain a diary text, an e-mail, a password or a session token", async () => {
    const port = await freePort();
    const app = await startAppProcess({
      name: "the app server (server/main.ts)",
      port,
      env: { DATA_DIR: mkdtempSync(path.join(tmpdir(), "clinic-logs-")), LOG_LEVEL: "trace", AUTH_SECRET: "log-test-secret-0123456789abcdefghij" },
    });
    const base = app.url;
    const secrets = {
      email: "zelda.logcheck@example.org",
      password: "purple elephants dance slowly",
      diary: "My left eyelid twitched QUOKKA-7731 while eating soup",
      token: "",
    };
    try {
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
      await app.stop();
    }
    const output = app.output();
    expect(output).toContain('"msg":"request"'); // the logs did record the flows
    for (const value of [secrets.email, "zelda", "Zelda", secrets.password, "QUOKKA-7731", secrets.diary, secrets.token]) expect(output).not.toContain(value);
  }, 90_000);
});
