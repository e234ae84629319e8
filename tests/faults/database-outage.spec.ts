/**
 * Fault drill (issue 8, item 5 d): PostgreSQL unreachable for 10 seconds, through a TCP proxy between
 * the app and the machine's PostgreSQL (127.0.0.1:5432, or TEST_DATABASE_URL's server). Requests fail
 * at once with a clear 503, a transaction cut in the middle leaves nothing behind, and the app serves
 * again by itself when the database is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { signInOverHttp } from "../setup/sign-in";
import { type AppServer, startAppServer } from "./support/app-server";
import { TcpProxy } from "./support/tcp-proxy";
import { recordFaultTiming } from "./support/timings";

const PORT = Number(process.env.E2E_PORT ?? 3510);
const ADMIN_URL = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const DATABASE = `fault_drill_${process.pid}`;
const OUTAGE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let admin: postgres.Sql;
let drillDb: postgres.Sql;
let proxy: TcpProxy;
let server: AppServer | undefined;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  admin = postgres(ADMIN_URL.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${DATABASE}`);
  const direct = new URL(ADMIN_URL);
  direct.pathname = `/${DATABASE}`;
  drillDb = postgres(direct.toString(), { max: 1, onnotice: () => {} });
  proxy = new TcpProxy({ host: ADMIN_URL.hostname, port: Number(ADMIN_URL.port || 5432) });
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${await proxy.start()}`;
  dataDir = mkdtempSync(path.join(tmpdir(), "fault-drill-db-"));
  server = await startAppServer({ port: PORT, dataDir, databaseUrl: viaProxy.toString() });
});

test.afterAll(async () => {
  if (test.info().status !== "passed" && server) console.log(server.output().slice(-4000));
  await server?.stop();
  await proxy?.close();
  await drillDb?.end();
  await admin?.unsafe(`drop database if exists ${DATABASE} with (force)`);
  await admin?.end();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// postgres.js 3.4.9 would lose the ROLLBACK after the cut (porsager/postgres#1208) and the request would
// hang; db/postgres-js-dialect.ts makes a connection that broke off refuse further statements at once.
test("(d) PostgreSQL unreachable for 10 s: clear errors at once, nothing half-written, service back by itself", async () => {
  test.setTimeout(120_000);
  const base = server!.base;
  const cookie = await signInOverHttp(base, "patient1@demo.clinic");
  const get = (p: string, accept = "text/html") => fetch(`${base}${p}`, { headers: { cookie, accept }, redirect: "manual", signal: AbortSignal.timeout(15_000) });
  const text = `Fault drill entry ${process.pid}`;
  const entryDate = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const writeEntry = () =>
    fetch(`${base}/diary/new`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ entryDate, body: text, next: "entry" }),
      signal: AbortSignal.timeout(15_000),
    });
  expect((await get("/api/me", "application/json")).status).toBe(200);

  // The connection drops in the middle of saving a diary entry: after its row was inserted, before
  // the transaction (draft removal, audit, reminder) could commit.
  const cut = proxy.cutAfter('delete from "diary_draft"');
  let slowest = 0;
  const timed = async (request: Promise<Response>) => {
    const started = performance.now();
    const response = await request;
    slowest = Math.max(slowest, performance.now() - started);
    return response;
  };
  const failedWrite = await timed(writeEntry());
  await cut;
  const outageStarted = performance.now();
  expect(failedWrite.status).toBe(503);
  const page = await failedWrite.text();
  expect(page).toContain("cannot reach its database just now");
  expect(page).not.toMatch(/\bat \S+ \(|Error:|node_modules/); // no stack trace, no internals

  // While it is down: every kind of request answers at once (the timeout above would fail a hang).
  const api = await timed(get("/api/me", "application/json"));
  expect(api.status).toBe(503);
  expect(await api.json()).toEqual({ error: "SERVICE_UNAVAILABLE", message: expect.stringContaining("try again") });
  const home = await timed(get("/patient"));
  expect(home.status).toBe(503);
  expect(await home.text()).toContain("Briefly unavailable");
  expect((await timed(get("/health", "application/json"))).status).toBe(503);
  recordFaultTiming("databaseOutage_slowestAnswer", slowest, "PostgreSQL cut mid-transaction, then unreachable → slowest 503 answer (the cut write, /api/me, a page, /health)");

  await sleep(OUTAGE_MS - (performance.now() - outageStarted));
  await proxy.bringUp();
  const back = performance.now();
  // Nothing is restarted: the app's next requests reconnect.
  while ((await get("/api/me", "application/json").then((r) => r.status, () => 0)) !== 200) {
    if (performance.now() - back > 30_000) throw new Error("the app did not serve again within 30 s of the database's return");
    await sleep(50);
  }
  recordFaultTiming("databaseOutage_firstSuccess", performance.now() - back, "PostgreSQL unreachable 10 s → first successful signed-in API request after it is reachable again");
  expect(server!.child.exitCode).toBeNull();

  // The cut transaction left nothing behind; the same entry, sent again, is saved once.
  const rows = () => drillDb`select count(*)::int as n from diary_entry where body = ${text}`.then((r) => r[0]!.n as number);
  expect(await rows()).toBe(0);
  const saved = await writeEntry();
  expect(saved.status).toBe(302);
  expect(saved.headers.get("location")).toMatch(/^\/diary\/entries\/[0-9a-f-]{36}\?saved=1$/);
  expect(await rows()).toBe(1);
  expect((await get("/patient")).status).toBe(200);
});
