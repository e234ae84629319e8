import type { ChildProcess } from "node:child_process";
import { startAppProcess } from "../../setup/app-process";

export interface AppServer {
  base: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no graceful shutdown, no last flush — what a crash or an OOM kill does. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The built app (`server/main.ts`, production mode) as a child process the drill can kill; the data
 * (PGlite in `dataDir`, or `databaseUrl`) outlives it. Resolves once /health answers.
 */
export async function startAppServer(options: { port: number; dataDir: string; databaseUrl?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<AppServer> {
  const app = await startAppProcess({
    name: "the fault drill's app server",
    port: options.port,
    timeoutMs: options.timeoutMs,
    env: {
      DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl ?? "",
      // The same secret across restarts, so the browsers' session cookies stay valid.
      AUTH_SECRET: "fault-drill-secret-0123456789abcdef",
      AUTH_RATE_LIMIT_MAX: "100",
      LOG_LEVEL: "warn",
      SEED_DEMO: "true",
      ...options.env,
    },
  });
  return {
    base: app.url,
    child: app.child,
    output: app.output,
    kill: async () => void (await app.stop("SIGKILL")),
    stop: async () => void (await app.stop("SIGTERM")),
  };
}
