// A stand-in for LiveKit's RoomService API, for tests: a node:http server speaking Twirp JSON on
// 127.0.0.1 that authorises each call the way livekit-server does (pkg/service/auth.go and
// roomservice.go): `Authorization: Bearer <jwt>`, the JWT's issuer names an API key the server
// knows, the signature verifies with that key's secret and the token is not expired; then
// CreateRoom/DeleteRoom need `video.roomCreate`, ListRooms `video.roomList`, participant calls
// `video.roomAdmin` on exactly that room. Failures answer 401 "unauthenticated" as LiveKit does.
// It keeps rooms in memory and records every request for assertions.

import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AccessToken, Room, TokenVerifier, type ClaimGrants } from "livekit-server-sdk";
import type { LiveKitConfig } from "../../media/livekit/config";

export interface FakeRoom {
  sid: string;
  name: string;
  emptyTimeout: number;
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
  creationTimeMs: number;
  participants: Set<string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** The raw Authorization header as received. */
  authorization: string | undefined;
  /** The verified claims, or null when the token was missing or refused. */
  claims: ClaimGrants | null;
  body: unknown;
}

export interface FakeLiveKitServer {
  /** http://127.0.0.1:<port>; the SDK would accept the ws:// form as well. */
  url: string;
  /** Credentials this server accepts. */
  config: LiveKitConfig;
  rooms: Map<string, FakeRoom>;
  requests: RecordedRequest[];
  addParticipant(roomName: string, identity: string): void;
  close(): Promise<void>;
}

type TwirpCode = "unauthenticated" | "permission_denied" | "not_found" | "invalid_argument" | "malformed" | "bad_route";
const TWIRP_STATUS: Record<TwirpCode, number> = {
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  invalid_argument: 400,
  malformed: 400,
  bad_route: 404,
};

class TwirpFailure extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }
}

const SERVICE_PREFIX = "/twirp/livekit.RoomService/";

export async function startFakeLiveKitServer(options?: {
  apiKey?: string;
  apiSecret?: string;
}): Promise<FakeLiveKitServer> {
  const apiKey = options?.apiKey ?? "APIfakeKey";
  const apiSecret = options?.apiSecret ?? randomBytes(24).toString("base64url");
  const keys = new Map([[apiKey, apiSecret]]);
  const rooms = new Map<string, FakeRoom>();
  const requests: RecordedRequest[] = [];

  async function authenticate(header: string | undefined): Promise<ClaimGrants | null> {
    if (header === undefined || header === "") return null; // no token: no grants, refused per method
    if (!header.startsWith("Bearer ")) {
      throw new TwirpFailure("unauthenticated", "invalid authorization header. Must start with Bearer ");
    }
    const token = header.slice("Bearer ".length);
    const issuer = unverifiedIssuer(token);
    if (issuer === null) throw new TwirpFailure("unauthenticated", "invalid authorization token");
    const secret = keys.get(issuer);
    if (!secret) throw new TwirpFailure("unauthenticated", `invalid API key: ${issuer}`);
    try {
      return await new TokenVerifier(issuer, secret).verify(token);
    } catch (err) {
      throw new TwirpFailure("unauthenticated", `invalid token: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  function requireGrant(claims: ClaimGrants | null, ok: (c: ClaimGrants) => boolean): void {
    if (!claims?.video || !ok(claims)) throw new TwirpFailure("unauthenticated", "permissions denied");
  }

  function roomJson(room: FakeRoom): unknown {
    return new Room({
      sid: room.sid,
      name: room.name,
      emptyTimeout: room.emptyTimeout,
      departureTimeout: room.departureTimeout,
      maxParticipants: room.maxParticipants,
      metadata: room.metadata,
      creationTime: BigInt(Math.floor(room.creationTimeMs / 1000)),
      creationTimeMs: BigInt(room.creationTimeMs),
      numParticipants: room.participants.size,
    }).toJson();
  }

  async function dispatch(method: string, body: Record<string, unknown>, claims: ClaimGrants | null): Promise<unknown> {
    switch (method) {
      case "CreateRoom": {
        requireGrant(claims, (c) => c.video?.roomCreate === true);
        const name = stringField(body, "name");
        if (!name) throw new TwirpFailure("invalid_argument", "room name is required");
        const existing = rooms.get(name);
        if (existing) return roomJson(existing); // LiveKit returns the open room unchanged
        const room: FakeRoom = {
          sid: `RM_${randomBytes(6).toString("hex")}`,
          name,
          emptyTimeout: numberField(body, "emptyTimeout", "empty_timeout"),
          departureTimeout: numberField(body, "departureTimeout", "departure_timeout"),
          maxParticipants: numberField(body, "maxParticipants", "max_participants"),
          metadata: stringField(body, "metadata"),
          creationTimeMs: Date.now(),
          participants: new Set(),
        };
        rooms.set(name, room);
        return roomJson(room);
      }
      case "ListRooms": {
        requireGrant(claims, (c) => c.video?.roomList === true);
        const names = Array.isArray(body.names) ? body.names.filter((n): n is string => typeof n === "string") : [];
        const list = [...rooms.values()].filter((r) => names.length === 0 || names.includes(r.name));
        return { rooms: list.map(roomJson) };
      }
      case "DeleteRoom": {
        requireGrant(claims, (c) => c.video?.roomCreate === true);
        const name = stringField(body, "room");
        if (!rooms.delete(name)) throw new TwirpFailure("not_found", "requested room does not exist");
        return {};
      }
      case "RemoveParticipant":
      case "ListParticipants": {
        const name = stringField(body, "room");
        requireGrant(claims, (c) => c.video?.roomAdmin === true && c.video.room === name);
        const room = rooms.get(name);
        if (!room) throw new TwirpFailure("not_found", "requested room does not exist");
        if (method === "ListParticipants") {
          return { participants: [...room.participants].map((identity) => ({ identity })) };
        }
        const identity = stringField(body, "identity");
        if (!room.participants.delete(identity)) throw new TwirpFailure("not_found", "participant not found");
        return {};
      }
      default:
        throw new TwirpFailure("bad_route", `no handler for livekit.RoomService/${method}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? "";
    const record: RecordedRequest = {
      method: path.startsWith(SERVICE_PREFIX) ? path.slice(SERVICE_PREFIX.length) : path,
      path,
      status: 0,
      authorization: req.headers.authorization,
      claims: null,
      body: undefined,
    };
    requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      // Twirp answers exactly "application/json": the SDK only parses an error body with that type.
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    try {
      if (req.method !== "POST" || !path.startsWith(SERVICE_PREFIX)) {
        throw new TwirpFailure("bad_route", `no handler for ${req.method} ${path}`);
      }
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
        throw new TwirpFailure("bad_route", "unexpected Content-Type");
      }
      record.claims = await authenticate(req.headers.authorization);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw new TwirpFailure("malformed", "the json request could not be decoded");
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new TwirpFailure("malformed", "the json request could not be decoded");
      }
      record.body = body;
      reply(200, await dispatch(record.method, body as Record<string, unknown>, record.claims));
    } catch (err) {
      if (err instanceof TwirpFailure) {
        reply(TWIRP_STATUS[err.code], { code: err.code, msg: err.message });
      } else {
        reply(500, { code: "internal", msg: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    config: { url, apiKey, apiSecret },
    rooms,
    requests,
    addParticipant(roomName, identity) {
      const room = rooms.get(roomName);
      if (!room) throw new Error(`no room ${roomName}`);
      room.participants.add(identity);
    },
    close() {
      // fetch keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * Signs a webhook body as LiveKit does: a JWT from the API key/secret whose `sha256` claim is the
 * base64 SHA-256 of the body, sent as the raw `Authorization` header value (no "Bearer ").
 * `ttlSeconds` defaults to 5 minutes, the validity LiveKit gives its webhook tokens.
 */
export async function signWebhook(
  config: Pick<LiveKitConfig, "apiKey" | "apiSecret">,
  body: string,
  options?: { ttlSeconds?: number },
): Promise<string> {
  const signer = new AccessToken(config.apiKey, config.apiSecret, { ttl: options?.ttlSeconds ?? 5 * 60 });
  signer.sha256 = createHash("sha256").update(body).digest("base64");
  return signer.toJwt();
}

function unverifiedIssuer(token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    const iss = (payload as { iss?: unknown }).iss;
    return typeof iss === "string" && iss !== "" ? iss : null;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function stringField(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === "string" ? v : "";
}

// proto3 JSON accepts the lowerCamel json name and the original snake_case field name.
function numberField(body: Record<string, unknown>, camel: string, snake: string): number {
  const v = body[camel] ?? body[snake];
  return typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : 0;
}
