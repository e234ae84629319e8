import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { PROJECT_ROOT } from "../../server/paths";

/** A port nobody listens on right now, for a process a test starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

const LAST_LINES = 40;

function lastLines(output: string): string {
  const lines = output.trimEnd().split("\n");
  return lines.length === 0 || lines[0] === "" ? "(no output)" : lines.slice(-LAST_LINES).join("\n");
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Resolves once `url` answers 2xx; fails early, naming the process and showing its last lines of
 * output, when the process exits first or when `timeoutMs` passes. Tests wait for this, never a fixed time.
 */
export async function waitForReady(options: { name: string; url: string; child: ChildProcess; output: () => string; timeoutMs?: number }): Promise<void> {
  const { name, url, child, output, timeoutMs = 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
      throw new Error(`${name} exited (${how}) before ${url} answered. Its last output:\n${lastLines(output())}`);
    }
    const ready = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s. Its last output:\n${lastLines(output())}`);
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (SIGTERM: a graceful stop) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (hasExited(child) ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

/**
 * Starts `server/main.ts` (the built app, production mode, test environment) on `127.0.0.1:port` and
 * resolves once its /health answers. `env` adds to or overrides that environment; nothing else from
 * this process's environment is passed on unless the caller spreads `process.env` into it.
 */
export async function startAppProcess(options: { name: string; port: number; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<AppProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ENV: "test", PUBLIC_URL: url, ...options.env, HOST: "127.0.0.1", PORT: String(options.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const app: AppProcess = {
    url,
    child,
    output: () => output,
    stop: async (signal = "SIGTERM") => {
      if (!hasExited(child)) child.kill(signal);
      return exitCode(child);
    },
  };
  try {
    await waitForReady({ name: options.name, url: `${url}/health`, child, output: app.output, timeoutMs: options.timeoutMs });
  } catch (error) {
    await app.stop("SIGKILL");
    throw error;
  }
  return app;
}
