import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import { Server } from "socket.io";
import { decideAccess } from "../access/access";
import { statusOf } from "../domain/domain-error";
import { bareSecurityHeaders } from "../security-headers";
import { getAuthSession } from "../auth/auth";
import { cookieHeaderForAuth } from "../auth/host-cookies";
import { clientAddress, proxyConfig } from "../security/client-address";
import { audit } from "../services/audit";
import { actorOf, type AppServices, type Notifier } from "../services/context";
import { rooms, SOCKET_EVENT_BURST, SOCKET_EVENTS_PER_SECOND, SOCKET_MAX_PAYLOAD_BYTES, SOCKET_PING_INTERVAL_MS, SOCKET_PING_TIMEOUT_MS } from "./constants";
import { leaveAllCalls } from "./call-events";
import { type Ack, socketEvents, type SocketUser } from "./events";

export interface Realtime {
  io: Server;
  notifier: Notifier;
  close(): Promise<void>;
}

/** A page served by this very host (e.g. opened as 127.0.0.1 rather than PUBLIC_URL's localhost). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return Boolean(host) && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const cookie = headers.get("cookie");
  if (cookie) headers.set("cookie", cookieHeaderForAuth(cookie));
  return headers;
}

/**
 * socket.io on the app's HTTP server, authenticated with the page session cookie. With PostgreSQL, the
 * postgres adapter lets several app instances share rooms (it needs `pg`; postgres.js lacks LISTEN on a pool).
 */
export function attachRealtime(httpServer: HttpServer, services: AppServices, options: { postgresUrl?: string; websocketOnly?: boolean } = {}): Realtime {
  let pool: pg.Pool | undefined;
  const io = new Server(httpServer, {
    serveClient: false,
    // Several processes behind one port: a long-polling client's requests could reach a process that
    // never saw its handshake, so only WebSocket (one connection, one process; the client tries it first).
    ...(options.websocketOnly ? { transports: ["websocket" as const] } : {}),
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    pingInterval: SOCKET_PING_INTERVAL_MS,
    pingTimeout: SOCKET_PING_TIMEOUT_MS,
    // A browser always sends Origin: a page of another site must not open a socket with our cookie.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, !origin || origin === services.env.PUBLIC_URL || sameHost(origin, req.headers.host));
    },
  });
  // Every answer of socket.io's own HTTP handler (handshake, polling, refusals) carries our security
  // headers: engine.io writes them with writeHead, which keeps headers set before it runs.
  const headers = Object.entries(bareSecurityHeaders(services.env));
  const socketPath = `${io.path()}/`;
  httpServer.prependListener("request", (req, res) => {
    if (req.url?.startsWith(socketPath)) for (const [name, value] of headers) res.setHeader(name, value);
  });
  if (options.postgresUrl) {
    pool = new pg.Pool({ connectionString: options.postgresUrl, max: 4 });
    pool.on("error", () => services.logger.warn({ event: "socket.adapter_pool_error" }, "socket adapter pool error"));
    // The adapter keeps one client checked out for LISTEN and listens only for its "end" (then it
    // reconnects); without a listener, that client's "error" when the database drops would crash the app.
    pool.on("connect", (client) => client.on("error", () => services.logger.warn({ event: "socket.adapter_client_error" }, "socket adapter connection lost")));
    // The adapter's LISTEN client is checked out of the pool for good, and the adapter never releases it
    // when its connection drops: it reconnects with a new one, and the dead one would keep one of the
    // pool's 4 slots for ever (a few outages would leave none). So the pool gets it back when it ends.
    const listenPool = pool;
    const adapterPool = {
      query: listenPool.query.bind(listenPool),
      connect: async () => {
        const client = await listenPool.connect();
        const release = client.release;
        let released = false;
        client.release = (error) => {
          released = true;
          release(error);
        };
        client.once("end", () => released || client.release(new Error("connection ended")));
        return client;
      },
    } as unknown as pg.Pool;
    io.adapter(createAdapter(adapterPool, { errorHandler: () => services.logger.warn({ event: "socket.adapter_error" }, "socket adapter error") }));
  }

  io.use(async (socket, next) => {
    const session = await getAuthSession(services.auth, headersOf(socket.request.headers)).catch(() => null);
    if (!session) return next(new Error("UNAUTHENTICATED"));
    if (session.user.twoFactorSetupRequired) return next(new Error("TWO_FACTOR_SETUP_REQUIRED"));
    const { env } = services;
    const ip = clientAddress(proxyConfig(env), env.TRUSTED_PROXY_HEADER ? socket.request.headers[env.TRUSTED_PROXY_HEADER.toLowerCase()] : undefined, socket.request.socket.remoteAddress);
    socket.data.user = { ...actorOf({ session, clientIp: ip }), name: session.user.name } satisfies SocketUser;
    next();
  });

  // Leaves recorded on disconnect finish before the database closes (graceful shutdown).
  const pendingLeaves = new Set<Promise<unknown>>();
  io.on("connection", (socket) => {
    const user = socket.data.user as SocketUser;
    const ctx = { services, user, socket, io };
    void socket.join([rooms.user(user.userId), rooms.authSession(user.sessionId)]);
    socket.on("disconnect", () => {
      const leaving = leaveAllCalls(ctx)
        .catch(() => services.logger.warn({ event: "socket.leave_failed" }, "could not record a call leave"))
        .finally(() => pendingLeaves.delete(leaving));
      pendingLeaves.add(leaving);
    });
    const bucket = { tokens: SOCKET_EVENT_BURST, at: Date.now() };
    socket.onAny(async (event: string, ...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (a: Ack) => void) : undefined;
      const reply = (a: Ack) => ack?.(a);
      const refuse = (code: string, message: string) => reply({ ok: false, error: code, status: statusOf(code), message });
      // A token bucket per connection: drawing sends many small updates, a flood is refused.
      const now = Date.now();
      bucket.tokens = Math.min(SOCKET_EVENT_BURST, bucket.tokens + ((now - bucket.at) / 1000) * SOCKET_EVENTS_PER_SECOND);
      bucket.at = now;
      if (bucket.tokens < 1) return refuse("RATE_LIMITED", "Too many messages; slow down.");
      bucket.tokens -= 1;
      const def = socketEvents[event];
      if (!def) return refuse("UNKNOWN_EVENT", `Unknown event ${event}`);
      if (decideAccess(def.access, user.role) !== "allow") {
        await audit(services, { actor: user, action: "access.refused", outcome: "refused", recordType: "socket", recordId: event });
        return refuse("FORBIDDEN", "Not allowed");
      }
      const parsed = def.schema.safeParse(args[0]);
      if (!parsed.success) return refuse("INVALID_PAYLOAD", parsed.error.issues[0]?.message ?? "Invalid payload");
      try {
        reply({ ok: true, data: await def.handle(ctx, parsed.data) });
      } catch (error) {
        const code = (error as { code?: string }).code ?? "INTERNAL";
        if (code === "FORBIDDEN") {
          await audit(services, { actor: user, action: "access.refused", outcome: "refused", recordType: "socket", recordId: event }).catch(() => {});
        }
        if (code === "INTERNAL") services.logger.error({ event: "socket.error", socketEvent: event, name: (error as Error).name }, "socket handler failed");
        refuse(code, code === "INTERNAL" ? "Something went wrong" : (error as Error).message);
      }
    });
  });

  const notifier: Notifier = {
    toAuthSession: (sessionId, event, payload) => void io.to(rooms.authSession(sessionId)).emit(event, payload),
    toUser: (userId, event, payload) => void io.to(rooms.user(userId)).emit(event, payload),
  };

  return {
    io,
    notifier,
    async close() {
      // io.close() drops every connection as a transport close, which clients answer by reconnecting
      // (to this instance once restarted, or to another). disconnectSockets(true) would tell them the
      // server sent them away on purpose, and socket.io clients never reconnect after that.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.allSettled([...pendingLeaves]);
      // The adapter never releases a LISTEN client whose connection dropped (after a database outage),
      // and pg's end() waits for every checked-out client: bounded, so shutdown still finishes.
      if (pool) await Promise.race([pool.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
