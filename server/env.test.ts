import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";
import { PROJECT_ROOT } from "./paths";

const errorsOf = (source: Record<string, string>) => {
  try {
    parseEnv({ APP_ENV: "test", ...source });
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.lines;
    throw error;
  }
};

describe("configuration", () => {
  it("accepts an empty environment in development, with a generated secret", () => {
    const env = parseEnv({ APP_ENV: "test" });
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.livekit).toBeUndefined();
  });

  it("names each bad variable on one line, without echoing secrets", () => {
    expect(errorsOf({ DATABASE_URL: "mysql://x" })).toEqual([
      expect.stringMatching(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/),
    ]);
    expect(errorsOf({ PORT: "eighty" })[0]).toMatch(/^Invalid configuration: PORT .*\(got "eighty"\)$/);
    expect(errorsOf({ AUTH_SECRET: "short-secret" })[0]).toMatch(/AUTH_SECRET must be at least 32 characters$/);
    expect(errorsOf({ AUTH_SECRET: "short-secret" })[0]).not.toContain("short-secret");
    expect(errorsOf({ SMTP_URL: "mail.example.com" })[0]).toMatch(/SMTP_URL must be an smtp/);
  });

  it("requires all LiveKit variables together", () => {
    const lines = errorsOf({ LIVEKIT_URL: "wss://media.example" });
    expect(lines).toEqual([
      "Invalid configuration: LIVEKIT_API_KEY is required when any LIVEKIT_* variable is set",
      "Invalid configuration: LIVEKIT_API_SECRET is required when any LIVEKIT_* variable is set",
    ]);
    const env = parseEnv({ APP_ENV: "test", LIVEKIT_URL: "wss://media.example", LIVEKIT_API_KEY: "k", LIVEKIT_API_SECRET: "s".repeat(32) });
    expect(env.livekit).toEqual({ url: "wss://media.example", apiUrl: undefined, apiKey: "k", apiSecret: "s".repeat(32) });
  });

  it("has no secret defaults in production", () => {
    const lines = errorsOf({ APP_ENV: "production" });
    expect(lines.map((l) => l.split(" ")[2])).toEqual(["AUTH_SECRET", "SMTP_URL", "PUBLIC_URL"]);
    expect(() =>
      parseEnv({ APP_ENV: "production", AUTH_SECRET: "x".repeat(40), SMTP_URL: "smtp://mail:25", PUBLIC_URL: "https://clinic.example" }),
    ).not.toThrow();
  });

  it("keeps the generated development secret across restarts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clinic-env-"));
    const first = parseEnv({ APP_ENV: "development", DATA_DIR: dir }).AUTH_SECRET;
    expect(parseEnv({ APP_ENV: "development", DATA_DIR: dir }).AUTH_SECRET).toBe(first);
  });

  it("a start with an invalid DATABASE_URL prints one clear line and exits non-zero", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "test", DATABASE_URL: "not-a-url", APP_ENV: "test" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/);
  });

  it("a start with an unreachable database says so in one line and exits non-zero", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server/main.ts")], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "test", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", APP_ENV: "test" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual(["Cannot reach the database at 127.0.0.1:1: check DATABASE_URL and that PostgreSQL is running."]);
  });
});
