import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { FACE_MODEL_URL } from "./http/asset-urls";

/**
 * The only reader of process.env. Every variable is checked at start; a bad one stops the start with
 * one line naming it. Secrets have no defaults in production; in development they are generated once
 * and kept in DATA_DIR so that sessions survive a restart.
 */
const postgresUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a postgres:// URL with a host, e.g. postgres://user:password@localhost:5432/clinic");

const httpUrl = z.string().refine((v) => {
  try {
    return ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, "must be an http(s):// URL");

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const schema = z
  .object({
    APP_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().default("0.0.0.0"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** App processes behind the one port (node:cluster); above 1 needs PostgreSQL. */
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    PUBLIC_URL: httpUrl.optional(),
    DATA_DIR: z.string().default("./data"),
    DATABASE_URL: postgresUrl.optional().or(z.literal("").transform(() => undefined)),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    MAIL_FROM: z.string().default("Facial Palsy Clinic <no-reply@localhost>"),
    LIVEKIT_URL: z
      .string()
      .regex(/^(wss?|https?):\/\//, "must be a ws(s):// or http(s):// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    LIVEKIT_API_URL: z
      .string()
      .regex(/^(wss?|https?):\/\//, "must be a ws(s):// or http(s):// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    LIVEKIT_API_KEY: optionalString,
    LIVEKIT_API_SECRET: optionalString,
    STUN_URLS: z.string().default(""),
    TURN_URLS: z.string().default(""),
    TURN_SECRET: optionalString,
    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    /** Only to point the Stripe SDK at another API host (a proxy, or the test suite's fake). */
    STRIPE_API_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
    FACE_MODEL_URL: z.string().default(FACE_MODEL_URL),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_000_000),
    UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(5_000_000),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().positive().default(10),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    /** Years an erased patient's invoices are kept for accounting law (0: erase them too). */
    INVOICE_RETENTION_YEARS: z.coerce.number().int().min(0).max(30).default(10),
    TRUSTED_PROXY_HEADER: optionalString,
    /** How many of our own proxies append to TRUSTED_PROXY_HEADER: the entry that many from the right is the client. */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SEED_DEMO: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
  })
  .superRefine((env, ctx) => {
    const livekit = [env.LIVEKIT_URL, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET];
    if (livekit.some(Boolean) && !livekit.every(Boolean)) {
      for (const [name, value] of [
        ["LIVEKIT_URL", env.LIVEKIT_URL],
        ["LIVEKIT_API_KEY", env.LIVEKIT_API_KEY],
        ["LIVEKIT_API_SECRET", env.LIVEKIT_API_SECRET],
      ] as const) {
        if (!value) ctx.addIssue({ code: "custom", path: [name], message: "is required when any LIVEKIT_* variable is set" });
      }
    }
    if (env.APP_ENV === "production") {
      if (!env.AUTH_SECRET) ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is required in production (at least 32 random characters)" });
      if (!env.SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "is required in production, or no e-mail would reach patients" });
      if (!env.PUBLIC_URL) ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "is required in production (the address patients open, e.g. https://clinic.example)" });
    }
  });

export type RawEnv = z.infer<typeof schema>;

export interface Env extends Omit<RawEnv, "AUTH_SECRET" | "PUBLIC_URL"> {
  AUTH_SECRET: string;
  PUBLIC_URL: string;
  isProduction: boolean;
  /** `url` is what browsers connect to; `apiUrl` (LIVEKIT_API_URL) is how this server reaches LiveKit's API, when different. */
  livekit?: { url: string; apiUrl?: string; apiKey: string; apiSecret: string };
}

export class EnvError extends Error {
  constructor(public lines: string[]) {
    super(lines.join("\n"));
  }
}

const SECRET_NAMES = new Set(["AUTH_SECRET", "LIVEKIT_API_SECRET", "TURN_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "DATABASE_URL", "SMTP_URL"]);

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const value = source[name];
      const shown = value === undefined || SECRET_NAMES.has(name) ? "" : ` (got "${value}")`;
      return `Invalid configuration: ${name} ${issue.message}${shown}`;
    });
    throw new EnvError(lines);
  }
  const env = result.data;
  const secret = env.AUTH_SECRET ?? developmentSecret(env.DATA_DIR, env.APP_ENV);
  return {
    ...env,
    AUTH_SECRET: secret,
    PUBLIC_URL: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    isProduction: env.APP_ENV === "production",
    livekit:
      env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET
        ? { url: env.LIVEKIT_URL, apiUrl: env.LIVEKIT_API_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET }
        : undefined,
  };
}

/** Development only: a random secret made once and kept beside the embedded database. */
function developmentSecret(dataDir: string, appEnv: string): string {
  if (appEnv === "test") return randomBytes(32).toString("hex");
  const file = path.join(dataDir, "dev-secrets.json");
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { authSecret?: string };
    if (kept.authSecret) return kept.authSecret;
  }
  mkdirSync(dataDir, { recursive: true });
  const authSecret = randomBytes(32).toString("hex");
  writeFileSync(file, JSON.stringify({ authSecret }, null, 2), { mode: 0o600 });
  return authSecret;
}

/** Reads `.env` (if present) under the real environment, which wins. */
export async function loadEnv(): Promise<Env> {
  const { config } = await import("dotenv");
  config({ quiet: true });
  return parseEnv(process.env);
}
