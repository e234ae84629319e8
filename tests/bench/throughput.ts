/**
 * Requests per second the app serves within p95 ≤ 100 ms, on PGlite and PostgreSQL, with one and two
 * processes (WEB_CONCURRENCY). The built app runs as `npm run serve` would, in its own processes; the
 * load comes from another process (load-generator.ts, autocannon), open loop, from 213 patients and
 * 10 therapists (bench-clinic.ts). A step test raises the rate until p95 passes 100 ms.
 *
 * BENCH_PROFILE=<dir> writes a V8 CPU profile of each app process (node --cpu-prof) for docs/performance.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { PGLITE_ONE_PROCESS } from "../../server/cluster";
import { PROJECT_ROOT } from "../../server/paths";
import { signInOverHttp } from "../setup/sign-in";
import { type BenchClinic, seedBenchClinic } from "./bench-clinic";
import type { LoadJob, LoadRequest, LoadResult } from "./load-generator";

const POSTGRES_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const STEP_RATES = [25, 50, 75, 100, 150, 200, 300, 400, 600, 800];
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 8);
const P95_LIMIT_MS = 100;
const AUTH_SECRET = "bench-".padEnd(40, "x");

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

async function startApp(env: Record<string, string>, processes: number): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(process.env.BENCH_PROFILE)] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, APP_ENV: "test", NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), PUBLIC_URL: url, AUTH_SECRET, AUTH_RATE_LIMIT_MAX: "100000", LOG_LEVEL: "info", WEB_CONCURRENCY: String(processes), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Ready when it says so: a cluster's primary speaks once every process listens.
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes("clinic running at")) {
        out = "";
        resolve();
      } else if (out.length > 100_000) out = out.slice(-1000);
    };
    child.stdout!.on("data", onData); // and keeps reading (request logs), so the pipe never fills
    void exited.then(() => reject(new Error(`app exited: ${stderr.trim()}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    },
  };
}

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "tests/bench/load-generator.ts")], { cwd: PROJECT_ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator failed: ${err}`))));
    child.stdin.end(JSON.stringify(job));
  });
}

async function signInAll(url: string, emails: string[]): Promise<Map<string, string>> {
  const cookies = new Map<string, string>();
  const queue = [...emails];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let email = queue.shift(); email; email = queue.shift()) cookies.set(email, await signInOverHttp(url, email));
    }),
  );
  return cookies;
}

/** The mix: 80 % page reads (patients' pages, therapists' lists, a session page, a patient's diary), 20 % writes. */
function mix(clinic: BenchClinic, cookies: Map<string, string>): LoadRequest[] {
  const today = new Date().toISOString().slice(0, 10);
  const therapist1 = cookies.get("therapist1@demo.clinic")!;
  const out: LoadRequest[] = [];
  for (let i = 0; i < 2000; i++) {
    const patient = cookies.get(clinic.patients[(i * 37) % clinic.patients.length]!)!;
    const therapist = cookies.get(clinic.therapists[i % clinic.therapists.length]!)!;
    const slot = (i * 7919) % 100;
    if (slot < 20) out.push({ method: "GET", path: "/patient", cookie: patient });
    else if (slot < 35) out.push({ method: "GET", path: "/diary", cookie: patient });
    else if (slot < 50) out.push({ method: "GET", path: "/patient/homework", cookie: patient });
    else if (slot < 65) out.push({ method: "GET", path: "/therapist", cookie: therapist });
    else if (slot < 72) out.push({ method: "GET", path: `/sessions/${clinic.sessionId}`, cookie: therapist1 });
    else if (slot < 80) out.push({ method: "GET", path: `/therapist/patients/${clinic.recordPatientId}/diary`, cookie: therapist1 });
    else if (slot < 90) out.push({ method: "PUT", path: "/api/diary/draft", cookie: patient, body: JSON.stringify({ body: `Draft ${i}`, entryDate: today }), contentType: "application/json" });
    else out.push({ method: "POST", path: "/diary/new", cookie: patient, body: new URLSearchParams({ entryDate: today, body: `Bench entry ${i}: the smile felt easier`, tension: "3" }).toString() });
  }
  return out;
}

interface Measured {
  config: string;
  best: { rate: number; result: LoadResult } | undefined;
  steps: { rate: number; result: LoadResult }[];
  patientPageRps: number;
  at50: LoadResult | undefined;
}

async function measure(kind: "pglite" | "postgres", processes: number): Promise<Measured> {
  const config = `${kind}, ${processes} process${processes > 1 ? "es" : ""}`;
  let dropDatabase = async () => {};
  let env: Record<string, string>;
  let clinic: BenchClinic;
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-throughput-"));
  if (kind === "postgres") {
    const name = `bench_${randomBytes(5).toString("hex")}`;
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
    clinic = await seedBenchClinic({ url: url.toString() }, AUTH_SECRET);
    env = { DATABASE_URL: url.toString(), DATA_DIR: dataDir };
  } else {
    clinic = await seedBenchClinic({ pgliteDir: path.join(dataDir, "pglite") }, AUTH_SECRET);
    env = { DATA_DIR: dataDir, DATABASE_URL: "" };
  }
  const app = await startApp(env, processes);
  try {
    const cookies = await signInAll(app.url, [...clinic.patients, ...clinic.therapists]);
    const requests = mix(clinic, cookies);
    const base = { url: app.url, host: new URL(app.url).host, origin: app.url, connections: 128, requests };
    // Warm-up: first renders compile, caches fill.
    await load({ ...base, rate: 20, seconds: 3 });
    const steps: { rate: number; result: LoadResult }[] = [];
    for (const rate of STEP_RATES) {
      const result = await load({ ...base, rate, seconds: STEP_SECONDS });
      steps.push({ rate, result });
      const failed = result.errors + result.non2xx > result.requests * 0.01;
      if (result.p95 > P95_LIMIT_MS || failed || result.rps < rate * 0.9) break;
    }
    const passing = steps.filter((s) => s.result.p95 <= P95_LIMIT_MS && s.result.errors + s.result.non2xx <= s.result.requests * 0.01 && s.result.rps >= s.rate * 0.9);
    const patientOnly = clinic.patients.map((email) => ({ method: "GET" as const, path: "/patient", cookie: cookies.get(email)! }));
    const saturated = await load({ ...base, requests: patientOnly, rate: 0, connections: 16, seconds: STEP_SECONDS });
    return { config, best: passing.at(-1), steps, patientPageRps: saturated.rps, at50: steps.find((s) => s.rate === 50)?.result };
  } finally {
    await app.stop();
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const f = (n: number) => Number(n.toFixed(1));

export async function runThroughputBench(): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  const machine = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} cores`;
  rows.push({ measure: "machine at start", figure: machine(), target: "" });
  const results: Measured[] = [];
  for (const [kind, processes] of [["pglite", 1], ["postgres", 1], ["postgres", 2]] as const) {
    const m = await measure(kind, processes);
    results.push(m);
    for (const s of m.steps) rows.push({ measure: `${m.config}: mix at ${s.rate} req/s`, figure: `${f(s.result.rps)} req/s, p50 ${s.result.p50} ms, p95 ${s.result.p95} ms, p99 ${s.result.p99} ms, failed ${s.result.errors + s.result.non2xx}`, target: "" });
    rows.push({ measure: `${m.config}: highest mix rate with p95 ≤ ${P95_LIMIT_MS} ms`, figure: m.best ? `${m.best.rate} req/s (p95 ${m.best.result.p95} ms)` : "none", target: kind === "postgres" ? "≥ 300 req/s (at p95 ≤ 50 ms)" : "" });
    if (m.at50) rows.push({ measure: `${m.config}: the 50 req/s mix, p95`, figure: `${m.at50.p95} ms`, target: kind === "postgres" ? "≤ 30 ms" : "≤ 100 ms" });
    rows.push({ measure: `${m.config}: /patient alone, saturated (16 connections)`, figure: `${f(m.patientPageRps)} req/s`, target: kind === "postgres" && processes === 1 ? "≥ 500 req/s" : "" });
  }
  rows.push({ measure: "pglite, 2 processes", figure: `refused: ${PGLITE_ONE_PROCESS}`, target: "" });
  const one = results.find((r) => r.config === "postgres, 1 process");
  const two = results.find((r) => r.config === "postgres, 2 processes");
  if (one?.best && two?.best) rows.push({ measure: "postgres: 2 processes ÷ 1 (highest rate within p95 ≤ 100 ms)", figure: `${(two.best.rate / one.best.rate).toFixed(2)}×`, target: "≥ 1.7×" });
  if (one && two) rows.push({ measure: "postgres: 2 processes ÷ 1 (/patient saturated)", figure: `${(two.patientPageRps / one.patientPageRps).toFixed(2)}×`, target: "≥ 1.7×" });
  rows.push({ measure: "machine at end", figure: machine(), target: "" });
  return rows;
}
