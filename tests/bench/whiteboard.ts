/**
 * Whiteboard propagation benchmark: the real app and socket.io on loopback (PGlite in memory), socket.io
 * clients in this same Node process drawing at a realistic rate (10 pointer moves/s + 5 element
 * updates/s each), for 1 session and for 100 concurrent sessions (200 clients).
 *
 * - end-to-end: element change sent by client A → `board:update` received by client B (performance.now
 *   in one process, so no clock skew; the clients share the server's CPU, which makes it pessimistic);
 * - server hop: receive → relay inside the server (BoardHub's test hook);
 * - memory: process.memoryUsage() at 100 sessions (server and the 200 clients: one process).
 */
import { createHmac, randomBytes } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { setBoardHopObserver } from "../../server/realtime/board-hub";
import { TEST_ORIGIN } from "../setup/test-app";
import { startTestServer } from "../setup/test-server";

const POINTER_HZ = 10;
const ELEMENT_HZ = 5;
const SINGLE_MS = 4_000;
const MANY_MS = 8_000;
const MANY_SESSIONS = 100;

type Server = Awaited<ReturnType<typeof startTestServer>>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (n: number) => Math.round(n * 100) / 100;

/** Users, auth sessions (signed cookies, as better-auth writes them) and live clinical sessions. */
async function setUp(server: Server, count: number): Promise<{ sessionId: string; cookies: [string, string] }[]> {
  const { db, env } = server.services;
  const now = new Date();
  const out: { sessionId: string; cookies: [string, string] }[] = [];
  const cookieFor = async (role: "therapist" | "patient", n: number) => {
    const id = randomBytes(12).toString("hex");
    await db.insertInto("user").values({ id, name: `${role} ${n}`, email: `${role}-${n}-${id}@bench.test`, emailVerified: true, image: null, role, timeZone: "UTC", createdAt: now, updatedAt: now, twoFactorEnabled: role === "therapist" }).execute();
    // (Staff need their two-step sign-in set up before a socket is let in.)
    const token = randomBytes(24).toString("base64url");
    await db.insertInto("session").values({ id: randomBytes(12).toString("hex"), userId: id, token, expiresAt: new Date(now.getTime() + 3_600_000), ipAddress: null, userAgent: null, createdAt: now, updatedAt: now }).execute();
    const signature = createHmac("sha256", env.AUTH_SECRET).update(token).digest("base64");
    return { id, cookie: `better-auth.session_token=${encodeURIComponent(`${token}.${signature}`)}` };
  };
  for (let i = 0; i < count; i++) {
    const therapist = await cookieFor("therapist", i);
    const patient = await cookieFor("patient", i);
    const session = await db
      .insertInto("clinicalSession")
      .values({ kind: "supporting", therapistId: therapist.id, patientId: patient.id, programId: null, sequence: null, startsAt: new Date(now.getTime() - 60_000), endsAt: new Date(now.getTime() + 90 * 60_000), cancelledAt: null, cancelReason: null, createdBy: null, updatedAt: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("sessionCall").values({ sessionId: session.id, startedAt: null, endedAt: null, endedBy: null, autoAdmit: true }).execute();
    out.push({ sessionId: session.id, cookies: [therapist.cookie, patient.cookie] });
  }
  return out;
}

async function open(server: Server, cookie: string, sessionId: string, peer: string): Promise<Socket> {
  const socket = connect(server.url, { transports: ["websocket"], reconnection: false, extraHeaders: { origin: TEST_ORIGIN, cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const join = (await socket.emitWithAck("call:join", { sessionId, peerId: peer })) as { ok: boolean; error?: string };
  if (!join.ok) throw new Error(`call:join ${join.error}`);
  const board = (await socket.emitWithAck("board:join", { sessionId })) as { ok: boolean; error?: string };
  if (!board.ok) throw new Error(`board:join ${board.error}`);
  return socket;
}

/** A freehand-ish element of ~1.5 kB, stamped with its send time. */
function element(id: string, version: number, sentAt: number) {
  const points = Array.from({ length: 40 }, (_, i) => [i * 3, Math.round(Math.sin(i / 4) * 20)]);
  return { id, type: "freedraw", x: 100, y: 100, width: 120, height: 40, angle: 0, strokeColor: "#1e1e1e", strokeWidth: 2, version, versionNonce: Math.floor(Math.random() * 2 ** 31), isDeleted: false, index: "a0", points, benchSentAt: sentAt };
}

async function run(server: Server, sessions: { sessionId: string; cookies: [string, string] }[], durationMs: number) {
  const latencies: number[] = [];
  const hops: number[] = [];
  let acksFailed = 0;
  setBoardHopObserver((ms, event) => event === "board:update" && hops.push(ms));
  const clients: { socket: Socket; sessionId: string; name: string }[] = [];
  for (const [i, s] of sessions.entries()) {
    for (const [j, cookie] of s.cookies.entries()) {
      const socket = await open(server, cookie, s.sessionId, `bench${i}x${j}peer`);
      socket.on("board:update", (m: { elements: { benchSentAt?: number }[] }) => {
        const now = performance.now();
        for (const e of m.elements) if (typeof e.benchSentAt === "number") latencies.push(now - e.benchSentAt);
      });
      clients.push({ socket, sessionId: s.sessionId, name: `c${i}-${j}` });
    }
  }
  const timers: ReturnType<typeof setInterval>[] = [];
  let sent = 0;
  for (const [k, c] of clients.entries()) {
    let version = 0;
    let ack = 0;
    // Staggered starts, as real users do not move in lockstep.
    const offset = (k * 37) % 200;
    setTimeout(() => {
      timers.push(
        setInterval(() => {
          c.socket.volatile.emit("board:pointer", { sessionId: c.sessionId, pageId: "page-1", x: Math.random() * 800, y: Math.random() * 600 });
        }, 1000 / POINTER_HZ),
      );
      timers.push(
        setInterval(() => {
          version += 1;
          ack += 1;
          sent += 1;
          c.socket.emit("board:update", { sessionId: c.sessionId, ackId: `${c.name}-${ack}`, pageId: "page-1", elements: [element(`${c.name}-stroke`, version, performance.now())] }, (a: { ok: boolean }) => {
            if (!a.ok) acksFailed += 1;
          });
        }, 1000 / ELEMENT_HZ),
      );
    }, offset);
  }
  await new Promise((r) => setTimeout(r, durationMs));
  const memory = process.memoryUsage();
  for (const t of timers) clearInterval(t);
  await new Promise((r) => setTimeout(r, 500)); // let the last saves and acks land
  for (const c of clients) c.socket.close();
  setBoardHopObserver(null);
  latencies.sort((a, b) => a - b);
  hops.sort((a, b) => a - b);
  return { latencies, hops, sent, acksFailed, memory, clients: clients.length };
}

export async function runWhiteboardBench(): Promise<Record<string, string | number>[]> {
  const started = performance.now();
  const server = await startTestServer({ kind: "pglite" });
  try {
    const all = await setUp(server, MANY_SESSIONS + 1);
    const rows: Record<string, string | number>[] = [];
    const report = (label: string, r: Awaited<ReturnType<typeof run>>) => {
      rows.push({
        scenario: label,
        clients: r.clients,
        "updates sent": r.sent,
        "updates received": r.latencies.length,
        "e2e median ms": round(percentile(r.latencies, 50)),
        "e2e p95 ms": round(percentile(r.latencies, 95)),
        "e2e p99 ms": round(percentile(r.latencies, 99)),
        "server hop median ms": round(percentile(r.hops, 50)),
        "server hop p95 ms": round(percentile(r.hops, 95)),
        "server hop p99 ms": round(percentile(r.hops, 99)),
        "failed acks": r.acksFailed,
        "rss MB": Math.round(r.memory.rss / 1e6),
        "heapUsed MB": Math.round(r.memory.heapUsed / 1e6),
      });
    };
    report("1 session", await run(server, all.slice(0, 1), SINGLE_MS));
    report(`${MANY_SESSIONS} sessions`, await run(server, all.slice(1), MANY_MS));
    rows.push({ scenario: "total duration s", clients: round((performance.now() - started) / 1000) });
    return rows;
  } finally {
    await server.dispose();
  }
}
