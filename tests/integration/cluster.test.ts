/**
 * WEB_CONCURRENCY: several app processes behind one port with PostgreSQL; with the embedded PGlite a
 * second process is refused with a message that says what to do.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PGLITE_ONE_PROCESS } from "../../server/cluster";
import { PROJECT_ROOT } from "../../server/paths";
import { freePort, startAppProcess } from "../setup/app-process";
import { createTestDatabase, type TestDatabase } from "../setup/databases";
import { signInOverHttp } from "../setup/sign-in";

describe("several app processes (WEB_CONCURRENCY)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cluster-"));
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second process on PGlite, saying why", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ENV: "test", WEB_CONCURRENCY: "2", DATA_DIR: dataDir, PORT: String(await freePort()), HOST: "127.0.0.1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(PGLITE_ONE_PROCESS);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("serves pages and sign-ins from two processes on PostgreSQL", async () => {
    database = await createTestDatabase("postgres", { migrate: false });
    const app = await startAppProcess({ name: "the clustered app", port: await freePort(), env: { DATABASE_URL: database.url!, WEB_CONCURRENCY: "2", DATA_DIR: dataDir, AUTH_RATE_LIMIT_MAX: "1000" }, timeoutMs: 180_000 });
    try {
      // The primary set the database up once; any process answers any request (no sticky sessions).
      const cookie = await signInOverHttp(app.url, "patient1@demo.clinic");
      for (let i = 0; i < 6; i++) {
        const page = await fetch(`${app.url}/patient`, { headers: { cookie }, redirect: "manual" });
        expect(page.status).toBe(200);
      }
      expect(app.output()).toContain("2 processes");
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 240_000);
});
