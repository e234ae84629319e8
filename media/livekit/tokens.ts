// Participant access tokens: one room, one identity, grants by role, a lifetime inside the session's window.
// Shape follows livekit-examples/meet (app/api/connection-details/route.ts), minus its open endpoint:
// the caller has already authorised the user for this session.

import { AccessToken, TrackSource, type VideoGrant } from "livekit-server-sdk";
import { DEFAULT_TOKEN_TTL_SECONDS, roomNameForSession, type CallRole, type LiveKitConfig } from "./config";
import { LiveKitError } from "./errors";

/** What the browser needs to connect (the same shape as LiveKit's meet example). */
export interface ConnectionDetails {
  serverUrl: string;
  roomName: string;
  participantToken: string;
  participantName: string;
}

export interface MintAccessTokenInput {
  sessionId: string;
  /** The user's id: the participant identity, which webhooks report back for attendance. */
  identity: string;
  /** Display name shown to the other participants. */
  name: string;
  role: CallRole;
  /** End of the window in which this session may be joined; the token never outlives it. */
  windowEndsAt: Date;
  /**
   * The current time. The SDK stamps nbf/exp from the system clock, so this must be the system
   * clock (tests move it with vi.setSystemTime); a token that would outlive the window is refused.
   */
  now?: Date;
  /** Upper bound of the lifetime, default DEFAULT_TOKEN_TTL_SECONDS. */
  maxTtlSeconds?: number;
}

export interface MintedAccessToken {
  token: string;
  expiresAt: Date;
  roomName: string;
}

/** What a participant's camera and microphone need; only the therapist shares a screen. */
const CAMERA_AND_MICROPHONE = [TrackSource.CAMERA, TrackSource.MICROPHONE];
const WITH_SCREEN_SHARE = [...CAMERA_AND_MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO];

/**
 * The video grant of each role, always scoped to exactly one room. Every flag is set explicitly:
 * LiveKit treats an absent canPublish/canSubscribe pair, or an absent canPublishData, as allowed,
 * and an absent canPublishSources as "any source". The server refuses a track of another source.
 */
export function grantsForRole(role: CallRole, roomName: string): VideoGrant {
  const participant: VideoGrant = {
    room: roomName,
    roomJoin: true,
    canPublish: true,
    canPublishSources: CAMERA_AND_MICROPHONE,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  };
  switch (role) {
    case "therapist":
      // roomAdmin is scoped to `room` by LiveKit: mute or remove participants of this room only.
      return { ...participant, canPublishSources: WITH_SCREEN_SHARE, roomAdmin: true };
    case "patient":
    case "guest_staff":
      return participant;
    default: {
      const unknownRole: never = role;
      throw new Error(`unknown call role: ${String(unknownRole)}`);
    }
  }
}

export async function mintAccessToken(
  config: LiveKitConfig,
  input: MintAccessTokenInput,
): Promise<MintedAccessToken> {
  const roomName = roomNameForSession(input.sessionId);
  if (input.identity.trim() === "") throw new Error("identity is required");

  const nowMs = (input.now ?? new Date()).getTime();
  const windowEndMs = input.windowEndsAt.getTime();
  // JWT times are whole seconds and exp = floor(signing time) + ttl: rounding `now` up and the
  // window end down keeps exp <= windowEndsAt even if a second ticks over before signing.
  const remainingSeconds = Math.floor(windowEndMs / 1000) - Math.ceil(nowMs / 1000);
  if (!(remainingSeconds >= 1)) {
    throw new LiveKitError("SESSION_WINDOW_CLOSED", "the session's join window has ended");
  }
  const ttlSeconds = Math.min(input.maxTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, remainingSeconds);
  // Trap: AccessToken turns a ttl of 0 into its 6-hour default (`ttl || "6h"`); never pass 0.
  if (!(ttlSeconds >= 1)) throw new Error("maxTtlSeconds must be at least 1");

  const at = new AccessToken(config.apiKey, config.apiSecret, {
    identity: input.identity,
    name: input.name,
    ttl: ttlSeconds,
    // Participant attributes are visible to the others in the room: the role only, no personal data.
    attributes: { role: input.role },
  });
  at.addGrant(grantsForRole(input.role, roomName));
  const token = await at.toJwt();

  const exp = readExpiry(token);
  if (exp * 1000 > windowEndMs) {
    // Only possible when `now` is not the system clock; never hand out such a token.
    throw new Error("token would outlive the session window: `now` must be the system clock");
  }
  return { token, expiresAt: new Date(exp * 1000), roomName };
}

/** Mints the token and packs it the way the browser's LiveKit client wants it. */
export async function connectionDetailsFor(
  config: LiveKitConfig,
  input: MintAccessTokenInput,
): Promise<ConnectionDetails & { expiresAt: Date }> {
  const minted = await mintAccessToken(config, input);
  return {
    serverUrl: config.url,
    roomName: minted.roomName,
    participantToken: minted.token,
    participantName: input.name,
    expiresAt: minted.expiresAt,
  };
}

// Reads `exp` from a token we just signed ourselves (no verification needed for our own output).
function readExpiry(jwt: string): number {
  const payload = jwt.split(".")[1];
  const exp: unknown = payload ? JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).exp : undefined;
  if (typeof exp !== "number") throw new Error("signed token carries no exp");
  return exp;
}
