// Session rooms on the LiveKit server, through the SDK's RoomServiceClient (Twirp over HTTP,
// each call signed by the SDK with a short-lived token carrying just the grant it needs).

import { RoomServiceClient, ServerError, type Room } from "livekit-server-sdk";
import {
  API_REQUEST_TIMEOUT_SECONDS,
  DEPARTURE_TIMEOUT_SECONDS,
  EMPTY_TIMEOUT_SECONDS,
  MAX_PARTICIPANTS,
  ROOM_METADATA_APP,
  roomNameForSession,
  type LiveKitConfig,
} from "./config";
import { LiveKitError } from "./errors";

export interface CreateSessionRoomInput {
  sessionId: string;
  /** e.g. "consultation", "session", "conclusion", "supporting": a category, never a name. */
  sessionKind: string;
  startsAt: Date;
  endsAt: Date;
}

/** Room metadata, readable by every participant: it names the session and holds no personal data. */
export interface SessionRoomMetadata {
  app: typeof ROOM_METADATA_APP;
  sessionId: string;
  sessionKind: string;
  startsAt: string;
  endsAt: string;
}

export interface SessionRoom {
  roomName: string;
  sid: string;
  emptyTimeoutSeconds: number;
  departureTimeoutSeconds: number;
  maxParticipants: number;
  metadata: string;
  numParticipants: number;
  createdAt: Date | null;
}

function client(config: LiveKitConfig): RoomServiceClient {
  return new RoomServiceClient(config.url, config.apiKey, config.apiSecret, {
    requestTimeout: config.requestTimeoutSeconds ?? API_REQUEST_TIMEOUT_SECONDS,
  });
}

function toSessionRoom(room: Room): SessionRoom {
  // Room.creationTime is an int64: a bigint of seconds in protobuf-es.
  const created = Number(room.creationTime);
  return {
    roomName: room.name,
    sid: room.sid,
    emptyTimeoutSeconds: room.emptyTimeout,
    departureTimeoutSeconds: room.departureTimeout,
    maxParticipants: room.maxParticipants,
    metadata: room.metadata,
    numParticipants: room.numParticipants,
    createdAt: created > 0 ? new Date(created * 1000) : null,
  };
}

function apiError(action: string, err: unknown): LiveKitError {
  const detail = err instanceof ServerError ? `${err.status} ${err.code ?? ""} ${err.message}`.trim() : String(err);
  return new LiveKitError("LIVEKIT_API_ERROR", `LiveKit ${action} failed: ${detail}`, { cause: err });
}

function isNotFound(err: unknown): boolean {
  return err instanceof ServerError && (err.status === 404 || err.code === "not_found");
}

export function sessionRoomMetadata(input: CreateSessionRoomInput): string {
  const metadata: SessionRoomMetadata = {
    app: ROOM_METADATA_APP,
    sessionId: input.sessionId,
    sessionKind: input.sessionKind,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
  };
  return JSON.stringify(metadata);
}

/**
 * Creates the session's room (LiveKit answers with the existing room if it is already open, so this
 * is safe to call before every join: a room that closed after everyone left comes back with our limits
 * instead of being auto-created with the server defaults).
 */
export async function createSessionRoom(config: LiveKitConfig, input: CreateSessionRoomInput): Promise<SessionRoom> {
  const name = roomNameForSession(input.sessionId);
  if (!/^[a-z0-9_]{1,32}$/.test(input.sessionKind)) throw new Error(`invalid session kind: ${input.sessionKind}`);
  try {
    const room = await client(config).createRoom({
      name,
      emptyTimeout: EMPTY_TIMEOUT_SECONDS,
      departureTimeout: DEPARTURE_TIMEOUT_SECONDS,
      maxParticipants: MAX_PARTICIPANTS,
      metadata: sessionRoomMetadata(input),
    });
    return toSessionRoom(room);
  } catch (err) {
    throw apiError("CreateRoom", err);
  }
}

/** The session's room if it is open on the server, else null. */
export async function findSessionRoom(config: LiveKitConfig, sessionId: string): Promise<SessionRoom | null> {
  const name = roomNameForSession(sessionId);
  try {
    const rooms = await client(config).listRooms([name]);
    const room = rooms.find((r) => r.name === name);
    return room ? toSessionRoom(room) : null;
  } catch (err) {
    throw apiError("ListRooms", err);
  }
}

/** "End session": closes the room and disconnects everyone. A room that is already gone is fine. */
export async function deleteSessionRoom(config: LiveKitConfig, sessionId: string): Promise<{ deleted: boolean }> {
  const name = roomNameForSession(sessionId);
  try {
    await client(config).deleteRoom(name);
    return { deleted: true };
  } catch (err) {
    if (isNotFound(err)) return { deleted: false };
    throw apiError("DeleteRoom", err);
  }
}

/** Disconnects one participant from the session's room. A participant already gone is fine. */
export async function removeSessionParticipant(
  config: LiveKitConfig,
  sessionId: string,
  identity: string,
): Promise<{ removed: boolean }> {
  const name = roomNameForSession(sessionId);
  try {
    await client(config).removeParticipant(name, identity);
    return { removed: true };
  } catch (err) {
    if (isNotFound(err)) return { removed: false };
    throw apiError("RemoveParticipant", err);
  }
}
