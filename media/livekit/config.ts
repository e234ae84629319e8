// LiveKit transport: configuration, room naming and every timeout / limit of this area in one place.
// Nothing here reads process.env: the server's env module parses the variables and hands a plain
// LiveKitConfig to these functions (see liveKitConfigFrom).

import { LiveKitError } from "./errors";

export interface LiveKitConfig {
  /** LiveKit server URL as browsers use it, e.g. `wss://livekit.example.org`. The server SDK turns ws(s) into http(s) for the API. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Timeout of one RoomService API call, in seconds (default API_REQUEST_TIMEOUT_SECONDS). */
  requestTimeoutSeconds?: number;
}

/** Who joins a call. An interpreter or a second clinician invited to one session is `guest_staff`. */
export type CallRole = "therapist" | "patient" | "guest_staff";

/** Seconds LiveKit keeps a created room open while nobody has joined yet. */
export const EMPTY_TIMEOUT_SECONDS = 15 * 60;
/** Seconds LiveKit keeps the room after the last participant left: room for a patient's dropped Wi-Fi. */
export const DEPARTURE_TIMEOUT_SECONDS = 5 * 60;
/** Therapist, patient, an invited interpreter, and one spare seat for a participant's second device. */
export const MAX_PARTICIPANTS = 4;
/** Longest lifetime of a participant token; it is cut shorter so it never outlives the session's window. */
export const DEFAULT_TOKEN_TTL_SECONDS = 2 * 60 * 60;
/** A webhook whose createdAt is older than this is refused as stale (LiveKit signs webhooks for 5 minutes too). */
export const WEBHOOK_MAX_AGE_SECONDS = 5 * 60;
/** A webhook dated further in the future than this (clock skew) is refused as well. */
export const WEBHOOK_MAX_FUTURE_SKEW_SECONDS = 60;
/** Timeout of one RoomService API call. */
export const API_REQUEST_TIMEOUT_SECONDS = 10;
/** Written into the room metadata so that rooms of this app are recognisable on a shared LiveKit server. */
export const ROOM_METADATA_APP = "facial-palsy-rehab";

export const ROOM_NAME_PREFIX = "session-";
// Session ids are UUIDs in the database; anything outside this alphabet would be a bug or an attack.
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** LiveKit webhook event names this app acts on (the others are acknowledged and ignored). */
export const LIVEKIT_EVENTS = {
  participantJoined: "participant_joined",
  participantLeft: "participant_left",
  roomFinished: "room_finished",
} as const;

export function assertSessionId(sessionId: string): void {
  if (!SESSION_ID_PATTERN.test(sessionId)) {
    throw new LiveKitError("INVALID_SESSION_ID", `invalid session id: ${JSON.stringify(sessionId)}`);
  }
}

/** The one LiveKit room of a session: `session-<id>`. */
export function roomNameForSession(sessionId: string): string {
  assertSessionId(sessionId);
  return `${ROOM_NAME_PREFIX}${sessionId}`;
}

/** Inverse of roomNameForSession; null for a room that is not one of this app's session rooms. */
export function sessionIdFromRoomName(roomName: string): string | null {
  if (!roomName.startsWith(ROOM_NAME_PREFIX)) return null;
  const id = roomName.slice(ROOM_NAME_PREFIX.length);
  return SESSION_ID_PATTERN.test(id) ? id : null;
}

/**
 * Builds the config from already-read environment values. Returns null when none of the three is
 * set (the app then uses its peer-to-peer transport); throws when only some are set, naming them.
 */
export function liveKitConfigFrom(values: {
  LIVEKIT_URL?: string;
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
}): LiveKitConfig | null {
  const url = values.LIVEKIT_URL?.trim() || undefined;
  const apiKey = values.LIVEKIT_API_KEY?.trim() || undefined;
  const apiSecret = values.LIVEKIT_API_SECRET?.trim() || undefined;
  if (!url && !apiKey && !apiSecret) return null;
  const missing = [
    !url && "LIVEKIT_URL",
    !apiKey && "LIVEKIT_API_KEY",
    !apiSecret && "LIVEKIT_API_SECRET",
  ].filter((v): v is string => typeof v === "string");
  if (missing.length > 0) {
    throw new LiveKitError("LIVEKIT_CONFIG_INCOMPLETE", `LiveKit is partly configured; missing ${missing.join(", ")}`);
  }
  if (!/^(wss?|https?):\/\//.test(url!)) {
    throw new LiveKitError("LIVEKIT_CONFIG_INCOMPLETE", "LIVEKIT_URL must start with ws://, wss://, http:// or https://");
  }
  return { url: url!, apiKey: apiKey!, apiSecret: apiSecret! };
}
