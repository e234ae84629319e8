import cluster from "node:cluster";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { getRequestListener } from "@hono/node-server";
import type { ServerBuild } from "@remix-run/node";
import { checkDatabase, openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seedDemoIfEmpty } from "./services/demo-clinic";
import { createApp } from "./app";
import { allJobHandlers } from "./job-handlers";
import { PGLITE_ONE_PROCESS, superviseWorkers } from "./cluster";
import { startJobWorker } from "./jobs";
import { purgeExpiredRetention } from "./services/erasure";
import { EnvError, loadEnv, type Env } from "./env";
import { createLogger } from "./logger";
import { PROJECT_ROOT, SERVER_BUILD_FILE } from "./paths";
import { guardPostgresJsClosedSocketWrite } from "./postgres-js-guard";
import { attachRealtime } from "./realtime/socket-server";
import { createServices, lateNotifier } from "./services/create-services";

export interface RunningServer {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** The database, reachable and migrated; the demo clinic seeded when asked (once, by the primary in a cluster). */
async function openDatabaseReady(env: Env, setUp: boolean) {
  const logger = createLogger(env.LOG_LEVEL);
  const database = openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { pgliteDir: path.resolve(env.DATA_DIR, "pglite") });
  const problem = await checkDatabase(database.db);
  if (problem) {
    await database.close().catch(() => {});
    if (env.DATABASE_URL) fail(`Cannot reach the database at ${new URL(env.DATABASE_URL).host}: check DATABASE_URL and that PostgreSQL is running.`);
    fail(`Cannot open the embedded database in ${path.resolve(env.DATA_DIR, "pglite")}: ${problem.split("\n")[0]}`);
  }
  if (setUp) await migrateToLatest(database.db);

  const notifier = lateNotifier();
  const services = createServices({ env, database, logger, notifier });
  if (setUp && env.SEED_DEMO && env.APP_ENV !== "production") {
    const logins = await seedDemoIfEmpty(services);
    if (logins) {
      process.stdout.write(`\nDemo clinic created. Logins (password for all: ${logins.password}):\n`);
      for (const l of logins.users) process.stdout.write(`  ${l.role.padEnd(9)} ${l.email}\n`);
    }
  }
  return { logger, database, notifier, services };
}

/**
 * boot: env → db → migrate → seed → app → serve → socket.io; graceful shutdown on SIGTERM/SIGINT.
 * A cluster worker (`worker`) finds the database set up by the primary, and serves sockets over WebSocket only.
 */
export async function startServer(env: Env, options: { dev: boolean; worker?: boolean }): Promise<RunningServer> {
  const { logger, database, notifier, services } = await openDatabaseReady(env, !options.worker);

  const httpServer = createServer();
  let getBuild: () => Promise<ServerBuild>;
  let closeVite = async () => {};
  if (options.dev) {
    const { createServer: createViteServer } = await import("vite");
    const vite = await createViteServer({ root: PROJECT_ROOT, server: { middlewareMode: true, hmr: { server: httpServer } }, appType: "custom" });
    getBuild = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => vite.close();
    const app = createApp({ services, getBuild, mode: "development" });
    const listener = getRequestListener(app.fetch);
    httpServer.on("request", (req, res) => vite.middlewares(req, res, () => listener(req, res)));
  } else {
    const build = (await import(SERVER_BUILD_FILE)) as ServerBuild;
    getBuild = async () => build;
    const app = createApp({ services, getBuild, mode: "production" });
    httpServer.on("request", getRequestListener(app.fetch));
  }

  const realtime = attachRealtime(httpServer, services, { postgresUrl: database.url, websocketOnly: options.worker });
  notifier.target = realtime.notifier;
  // Jobs live in the database: anything that fell due while the app was down runs now.
  const worker = startJobWorker(services, allJobHandlers());
  // Invoices kept after an erasure go when their retention ends (checked at start and daily).
  const purge = () => void purgeExpiredRetention(services).catch(() => logger.warn({ event: "retention.purge_failed" }, "retention purge failed"));
  purge();
  const purgeTimer = setInterval(purge, 24 * 60 * 60_000);
  purgeTimer.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting, close sockets, let in-flight requests finish, then close the database.
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      clearInterval(purgeTimer);
      await realtime.close();
      await worker.stop();
      httpServer.closeIdleConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
      httpServer.closeAllConnections();
      await closeVite();
      await services.mailer.close();
      await database.close();
      logger.info({ event: "server.stopped" }, "stopped");
    })());
  return { url, server: httpServer, stop };
}

export async function main(): Promise<void> {
  let env: Env;
  try {
    env = await loadEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.lines.join("\n"));
    throw error;
  }
  const dev = process.argv.includes("--dev");
  if (env.DATABASE_URL) guardPostgresJsClosedSocketWrite(() => process.stderr.write(`${JSON.stringify({ level: 40, event: "db.closed_socket_write" })}\n`));
  if (env.WEB_CONCURRENCY > 1 && !dev && cluster.isPrimary) {
    if (!env.DATABASE_URL) fail(PGLITE_ONE_PROCESS);
    const { services, database } = await openDatabaseReady(env, true);
    await services.mailer.close();
    await database.close();
    await superviseWorkers(env.WEB_CONCURRENCY, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`Facial palsy clinic running at ${env.PUBLIC_URL} (listening on port ${env.PORT}, built app, ${env.WEB_CONCURRENCY} processes, database: PostgreSQL)\n`);
    return;
  }
  const running = await startServer(env, { dev, worker: cluster.isWorker });
  if (cluster.isWorker) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void running.stop().then(() => process.exit(0), () => process.exit(1)));
    return;
  }
  process.stdout.write(`Facial palsy clinic running at ${env.PUBLIC_URL} (listening on ${running.url}, ${dev ? "development with hot reload" : "built app"}, database: ${env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})\n`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (process.argv[1]?.endsWith(path.join("server", "main.ts"))) {
  main().catch((error: Error) => fail(`Could not start: ${error.message}`));
}
