// The pinned livekit-server: where its binary lives and how it is built. `npm run livekit:install`
// runs this file; the test helpers and `npm run dev:livekit` import it. Why this version, and why
// `go install` rather than a build of a newer tag: docs/decisions/0007-livekit-server-version.md.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The release we run; docker-compose.yml names the same image tag (tests/deploy/compose.test.ts checks). */
export const LIVEKIT_SERVER_VERSION = "v1.13.5";

/** Outside the repository, one folder per version, so a rebuild happens only when the pin moves. */
export function liveKitServerDir(version = LIVEKIT_SERVER_VERSION): string {
  const cache = process.env.LIVEKIT_CACHE || path.join(os.homedir(), ".cache", "livekit-server");
  return path.join(cache, version);
}

/** `go install` names the binary after its package folder, cmd/server. */
export function liveKitServerBinary(version = LIVEKIT_SERVER_VERSION): string {
  return path.join(liveKitServerDir(version), "server");
}

/** Builds the pinned release with the machine's Go through the module proxy; reuses an existing binary. */
export function installLiveKitServer(version = LIVEKIT_SERVER_VERSION): { binary: string; built: boolean } {
  const binary = liveKitServerBinary(version);
  if (existsSync(binary)) return { binary, built: false };
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) throw new Error("livekit-server is built from source with Go (1.26 or newer); `go` was not found on PATH");
  const result = spawnSync("go", ["install", `github.com/livekit/livekit-server/cmd/server@${version}`], {
    env: { ...process.env, GOBIN: liveKitServerDir(version) },
    stdio: "inherit",
  });
  if (result.status !== 0 || !existsSync(binary)) {
    throw new Error(`go install github.com/livekit/livekit-server/cmd/server@${version} failed (exit ${result.status})`);
  }
  return { binary, built: true };
}

export interface LiveKitServerPorts {
  /** Signalling (WebSocket) and the RoomService API. */
  http: number;
  /** ICE over TCP, the fallback when UDP is blocked. */
  tcp: number;
  /** UDP media, inclusive. */
  udpStart: number;
  udpEnd: number;
}

export interface LiveKitServerOptions {
  ports: LiveKitServerPorts;
  /** Where LiveKit posts its room events (the app's /api/livekit/webhook). */
  webhookUrl?: string;
  /** host:port of a Redis shared by several nodes (LiveKit's distributed mode); none: single node. */
  redisAddress?: string;
  logFile: string;
  /** Folder for the generated config file. */
  workDir: string;
  logLevel?: "debug" | "info" | "warn";
}

export interface RunningLiveKitServer {
  /** What browsers and the app's LIVEKIT_URL use. */
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  ports: LiveKitServerPorts;
  logFile: string;
  child: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * livekit.yaml (the production config) with what differs on one machine: loopback only (node IP
 * 127.0.0.1, loopback ICE candidates, no STUN discovery), the given ports, the given webhook URL,
 * and Redis when several nodes share rooms. Keys and room defaults stay those of livekit.yaml.
 */
export function liveKitConfigFor(options: Pick<LiveKitServerOptions, "ports" | "webhookUrl" | "redisAddress" | "logLevel">) {
  const base = parse(readFileSync(path.join(PROJECT_ROOT, "livekit.yaml"), "utf8")) as Record<string, any>;
  const config: Record<string, any> = {
    ...base,
    port: options.ports.http,
    bind_addresses: ["127.0.0.1"],
    rtc: {
      ...base.rtc,
      tcp_port: options.ports.tcp,
      port_range_start: options.ports.udpStart,
      port_range_end: options.ports.udpEnd,
      node_ip: "127.0.0.1",
      use_external_ip: false,
      // Without it the server offers no candidate a browser on this machine can reach.
      enable_loopback_candidate: true,
    },
    logging: { ...base.logging, level: options.logLevel ?? "info" },
  };
  if (options.webhookUrl) config.webhook = { ...base.webhook, urls: [options.webhookUrl] };
  else delete config.webhook;
  if (options.redisAddress) config.redis = { address: options.redisAddress };
  const [apiKey, apiSecret] = Object.entries(base.keys as Record<string, string>)[0]!;
  return { config, apiKey, apiSecret };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

/** Starts the pinned livekit-server (building it first if needed) and resolves once it reports ready. */
export async function startLiveKitServer(options: LiveKitServerOptions): Promise<RunningLiveKitServer> {
  const { binary } = installLiveKitServer();
  const { config, apiKey, apiSecret } = liveKitConfigFor(options);
  mkdirSync(options.workDir, { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const configFile = path.join(options.workDir, `livekit-${options.ports.http}.yaml`);
  writeFileSync(configFile, stringify(config));
  const log = openSync(options.logFile, "a");
  const child = spawn(binary, ["--config", configFile], { stdio: ["ignore", log, log] });
  const httpUrl = `http://127.0.0.1:${options.ports.http}`;
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    // A graceful stop waits for rooms to drain; a test does not.
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited(child);
    clearTimeout(timer);
  };
  // The health check answers 200 once the node has published its first stats (about a second).
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`livekit-server exited with ${child.exitCode}; see ${options.logFile}`);
    const ok = await fetch(httpUrl).then((r) => r.ok, () => false);
    if (ok) {
      return {
        url: `ws://127.0.0.1:${options.ports.http}`,
        httpUrl,
        apiKey,
        apiSecret,
        ports: options.ports,
        logFile: options.logFile,
        child,
        kill: () => stop("SIGKILL"),
        stop: () => stop("SIGTERM"),
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop("SIGKILL");
  throw new Error(`livekit-server not ready after 30 s; see ${options.logFile}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { binary, built } = installLiveKitServer();
  console.warn(`livekit-server ${LIVEKIT_SERVER_VERSION}: ${binary} (${built ? `built in ${Math.round((Date.now() - started) / 1000)} s` : "already built"})`);
}
