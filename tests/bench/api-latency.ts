/**
 * API latency under a steady 50 requests per second of a realistic mix (80% reads, 20% writes), against
 * the real app on a real loopback port, on PGlite and on PostgreSQL. Open loop: requests leave on their
 * schedule whatever the answers do, and each latency is measured from its scheduled time, so a slow
 * server cannot hide its queue (no coordinated omission). The load generator runs in the server's process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseKind } from "../../db/client";
import { seedDemo } from "../../server/services/demo-clinic";
import { seedPatientRecord } from "../setup/patient-record";
import { signInAs } from "../setup/sign-in";
import { createClient, TEST_ORIGIN } from "../setup/test-app";
import { startTestServer } from "../setup/test-server";
import { percentile } from "./calls";

export const RATE_PER_SECOND = 50;
export const DURATION_SECONDS = 20;
const POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

interface Op {
  name: string;
  kind: "read" | "write";
  weight: number;
  send: (n: number) => Promise<number>;
}

async function measure(kind: DatabaseKind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-api-"));
  const s = await startTestServer({ kind, env: { AUTH_RATE_LIMIT_MAX: "100000", DATA_DIR: dataDir, BODY_LIMIT_BYTES: "1000000" } });
  try {
    await seedDemo(s.services);
    const a = await seedPatientRecord(s.services, { patientEmail: "patient1@demo.clinic", therapistEmail: "therapist1@demo.clinic", marker: "A", diaryEntries: 10, snapshots: 3 });
    await seedPatientRecord(s.services, { patientEmail: "patient3@demo.clinic", therapistEmail: "therapist2@demo.clinic", marker: "B", diaryEntries: 10, snapshots: 3 });
    const patient = await sessionCookie(s, "patient1@demo.clinic");
    const therapist = await sessionCookie(s, "therapist1@demo.clinic");
    const get = (cookie: string, url: string) => () => send(s.url, url, { cookie });
    const post = (cookie: string, url: string, form: (n: number) => Record<string, string>) => (n: number) => send(s.url, url, { cookie, form: form(n) });
    const today = new Date().toISOString().slice(0, 10);
    const ops: Op[] = [
      { name: "patient home", kind: "read", weight: 16, send: get(patient, "/patient") },
      { name: "diary list", kind: "read", weight: 16, send: get(patient, "/diary") },
      { name: "homework page", kind: "read", weight: 16, send: get(patient, "/patient/homework") },
      { name: "therapist home (patient list)", kind: "read", weight: 12, send: get(therapist, "/therapist") },
      { name: "session page", kind: "read", weight: 10, send: get(therapist, `/sessions/${a.sessionIds[0]}`) },
      { name: "patient's diary (therapist)", kind: "read", weight: 10, send: get(therapist, `/therapist/patients/${a.patientId}/diary`) },
      { name: "diary entry", kind: "write", weight: 5, send: post(patient, "/diary/new", (n) => ({ entryDate: today, body: `Bench entry ${n}: the smile felt easier`, tension: "3" })) },
      { name: "practice log (items ticked)", kind: "write", weight: 5, send: post(patient, "/patient/homework", () => ({ minutes: "10", sessionId: a.sessionIds[0]!, itemIds: a.homeworkItemIds[0]! })) },
      {
        name: "diary draft autosave",
        kind: "write",
        weight: 5,
        send: (n) => send(s.url, "/api/diary/draft", { method: "PUT", cookie: patient, json: { body: `Draft ${n}`, entryDate: today } }),
      },
      { name: "therapist reply", kind: "write", weight: 5, send: post(therapist, `/diary/entries/${a.entryIds[0]}`, (n) => ({ body: `Reply ${n}: keep going` })) },
    ];
    const deck = ops.flatMap((op) => Array.from({ length: op.weight }, () => op));
    // Warm up (first renders compile templates, fill caches): not measured.
    for (const op of ops) await op.send(0);

    const results: { kind: "read" | "write"; ms: number; ok: boolean; why?: string }[] = [];
    const total = RATE_PER_SECOND * DURATION_SECONDS;
    const interval = 1000 / RATE_PER_SECOND;
    const t0 = performance.now() + 50;
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const op = deck[(i * 7919) % deck.length]!; // a fixed shuffle of the mix
      inFlight.push(
        op.send(i + 1).then(
          (status) => {
            results.push({ kind: op.kind, ms: performance.now() - due, ok: status < 400, why: status < 400 ? undefined : `HTTP ${status}` });
          },
          (error: Error & { code?: string }) => {
            results.push({ kind: op.kind, ms: performance.now() - due, ok: false, why: error.code ?? error.name });
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - t0) / 1000;
    // What each request costs alone (one at a time, after the load): where the capacity goes.
    const alone: Record<string, string | number>[] = [];
    for (const op of ops) {
      const ms: number[] = [];
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        await op.send(total + i);
        ms.push(performance.now() - started);
      }
      alone.push({ database: kind, kind: `alone: ${op.name} (${op.kind})`, requests: 10, "p50 ms": Number(percentile(ms, 50).toFixed(1)) });
    }
    const loaded = (["read", "write"] as const).map((k) => {
      const of = results.filter((r) => r.kind === k);
      const ms = of.map((r) => r.ms);
      return {
        database: kind,
        kind: k,
        requests: of.length,
        "achieved req/s": Number((results.length / elapsed).toFixed(1)),
        "p50 ms": Number(percentile(ms, 50).toFixed(1)),
        "p95 ms": Number(percentile(ms, 95).toFixed(1)),
        "p99 ms": Number(percentile(ms, 99).toFixed(1)),
        "max ms": Number(Math.max(...ms).toFixed(1)),
        // How many failed, and how (status or socket error), so a failure can be told from noise.
        errors: errorSummary(of),
      };
    });
    return [...loaded, ...alone];
  } finally {
    await s.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** PostgreSQL: a fresh database on 127.0.0.1:5432, created for the run and dropped after. */
export async function runApiLatencyBench(): Promise<Record<string, string | number>[]> {
  process.env.TEST_DATABASE_URL ??= POSTGRES_ADMIN_URL;
  const rows: Record<string, string | number>[] = [];
  for (const kind of ["pglite", "postgres"] as const) rows.push(...(await measure(kind)));
  return rows;
}

/**
 * Signs in through the app in-process (the server's PUBLIC_URL is the test origin, not its loopback
 * port) and returns the Cookie header, which then works over real HTTP.
 */
export async function sessionCookie(s: Awaited<ReturnType<typeof startTestServer>>, email: string): Promise<string> {
  const client = createClient(s, `10.90.0.${Math.floor(Math.random() * 250) + 1}`);
  const response = await signInAs(client, email);
  if (response.status !== 302) throw new Error(`Could not sign in as ${email}: ${response.status}`);
  return client.cookieHeader();
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * One HTTP request over the loopback as a browser of the clinic's site sends it: the Host and Origin
 * of the public address (Remix refuses actions whose Origin does not match the Host), to the real port.
 * (fetch cannot set Host.) Resolves with the status once the whole body has arrived.
 */
export function send(base: string, url: string, init: { method?: string; cookie: string; form?: Record<string, string>; json?: unknown }): Promise<number> {
  const body = init.form ? new URLSearchParams(init.form).toString() : init.json !== undefined ? JSON.stringify(init.json) : undefined;
  const headers: Record<string, string> = { host: new URL(TEST_ORIGIN).host, cookie: init.cookie };
  if (body !== undefined) {
    headers.origin = TEST_ORIGIN;
    headers["content-type"] = init.form ? "application/x-www-form-urlencoded" : "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ agent, hostname, port, path: url, method: init.method ?? (body ? "POST" : "GET"), headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function errorSummary(results: { ok: boolean; why?: string }[]): string | number {
  const failed = results.filter((r) => !r.ok);
  if (!failed.length) return 0;
  const byWhy = new Map<string, number>();
  for (const r of failed) byWhy.set(r.why ?? "?", (byWhy.get(r.why ?? "?") ?? 0) + 1);
  return `${failed.length} (${[...byWhy].map(([why, n]) => `${n}× ${why}`).join(", ")})`;
}
