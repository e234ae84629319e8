import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../../server/paths";

export interface AppServer {
  base: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no graceful shutdown, no last flush — what a crash or an OOM kill does. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

/**
 * The built app (`server/main.ts`, production mode) as a child process the drill can kill; the data
 * (PGlite in `dataDir`, or `databaseUrl`) outlives it. Resolves once /health answers.
 */
export async function startAppServer(options: { port: number; dataDir: string; databaseUrl?: string; env?: Record<string, string> }): Promise<AppServer> {
  const base = `http://127.0.0.1:${options.port}`;
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      APP_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(options.port),
      PUBLIC_URL: base,
      DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl ?? "",
      // The same secret across restarts, so the browsers' session cookies stay valid.
      AUTH_SECRET: "fault-drill-secret-0123456789abcdef",
      AUTH_RATE_LIMIT_MAX: "100",
      LOG_LEVEL: "warn",
      SEED_DEMO: "true",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the app server stopped:\n${output}`);
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) {
      return {
        base,
        child,
        output: () => output,
        kill: async () => {
          child.kill("SIGKILL");
          await exited(child);
        },
        stop: async () => {
          child.kill("SIGTERM");
          await exited(child);
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`no /health after 60 s:\n${output}`);
}
