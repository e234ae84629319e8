// LiveKit webhooks -> attendance facts. LiveKit POSTs a JSON WebhookEvent with an `Authorization`
// header holding a JWT (no "Bearer " prefix) signed with the API key/secret, whose `sha256` claim is
// the base64 SHA-256 of the exact body. The SDK's WebhookReceiver checks both; this module adds what
// it does not: freshness of the event and one-time processing of each event id.
// The adapter must hand over the raw body text (c.req.text()), never a re-serialised JSON.

import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import {
  LIVEKIT_EVENTS,
  WEBHOOK_MAX_AGE_SECONDS,
  WEBHOOK_MAX_FUTURE_SKEW_SECONDS,
  sessionIdFromRoomName,
  type LiveKitConfig,
} from "./config";
import { LiveKitError } from "./errors";

export type AttendanceEventKind = "participant_joined" | "participant_left" | "room_finished" | "ignored";

export interface ReceivedWebhook {
  kind: AttendanceEventKind;
  /** LiveKit's own event name, e.g. "track_published" for an ignored event. */
  event: string;
  /** Null when the room is not one of this app's session rooms. */
  sessionId: string | null;
  /** The participant's identity (our user id) for participant_* events, else null. */
  identity: string | null;
  /** When LiveKit emitted the event. */
  at: Date;
  eventId: string;
}

export interface ReceiveWebhookOptions {
  now?: Date;
  /**
   * Marks the event id as processed and says whether it already was: must be atomic (e.g.
   * INSERT ... ON CONFLICT DO NOTHING, returning true when nothing was inserted). Called only for an
   * authentic, fresh, well-formed event, so refused deliveries leave no trace.
   */
  seenIds: (eventId: string) => Promise<boolean>;
  /** Default WEBHOOK_MAX_AGE_SECONDS. */
  maxAgeSeconds?: number;
}

export async function receiveWebhook(
  config: LiveKitConfig,
  rawBody: string,
  authHeader: string | undefined,
  options: ReceiveWebhookOptions,
): Promise<ReceivedWebhook> {
  if (!authHeader) throw new LiveKitError("WEBHOOK_UNAUTHORIZED", "webhook without Authorization header");

  let event: WebhookEvent;
  try {
    // Verifies the JWT (HS256 with our secret, issuer = our API key, exp/nbf) and the body checksum
    // before it parses anything.
    event = await new WebhookReceiver(config.apiKey, config.apiSecret).receive(rawBody, authHeader);
  } catch (err) {
    // The receiver parses only after authentication succeeded, so a parse error means an authentic
    // but malformed body. Anything else, including errors we do not recognise, is refused as unauthorised.
    if (isParseError(err)) {
      throw new LiveKitError("WEBHOOK_MALFORMED", `malformed webhook body: ${errorMessage(err)}`, { cause: err });
    }
    throw new LiveKitError("WEBHOOK_UNAUTHORIZED", `webhook signature refused: ${errorMessage(err)}`, { cause: err });
  }

  // WebhookEvent.createdAt is an int64 of seconds: a bigint (0n when absent).
  const createdAtSeconds = Number(event.createdAt);
  if (!event.id || !event.event || !(createdAtSeconds > 0)) {
    throw new LiveKitError("WEBHOOK_MALFORMED", "webhook event lacks id, event or createdAt");
  }

  const nowSeconds = (options.now ?? new Date()).getTime() / 1000;
  const maxAge = options.maxAgeSeconds ?? WEBHOOK_MAX_AGE_SECONDS;
  if (nowSeconds - createdAtSeconds > maxAge) {
    throw new LiveKitError("WEBHOOK_STALE", `webhook event is older than ${maxAge} s`);
  }
  if (createdAtSeconds - nowSeconds > WEBHOOK_MAX_FUTURE_SKEW_SECONDS) {
    throw new LiveKitError("WEBHOOK_STALE", "webhook event is dated in the future");
  }

  if (await options.seenIds(event.id)) {
    throw new LiveKitError("WEBHOOK_REPLAYED", `webhook event ${event.id} was already processed`);
  }

  const sessionId = event.room ? sessionIdFromRoomName(event.room.name) : null;
  const identity = event.participant?.identity || null;
  return {
    kind: attendanceKind(event.event, sessionId, identity),
    event: event.event,
    sessionId,
    identity: event.event.startsWith("participant_") ? identity : null,
    at: new Date(createdAtSeconds * 1000),
    eventId: event.id,
  };
}

function attendanceKind(event: string, sessionId: string | null, identity: string | null): AttendanceEventKind {
  if (sessionId === null) return "ignored";
  switch (event) {
    case LIVEKIT_EVENTS.participantJoined:
      return identity ? "participant_joined" : "ignored";
    case LIVEKIT_EVENTS.participantLeft:
      return identity ? "participant_left" : "ignored";
    case LIVEKIT_EVENTS.roomFinished:
      return "room_finished";
    default:
      // participant_connection_aborted: never became active, so never counted as joined.
      return "ignored";
  }
}

function isParseError(err: unknown): boolean {
  // JSON.parse throws SyntaxError; protobuf-es fromJson throws "cannot decode message ... from JSON".
  return err instanceof SyntaxError || (err instanceof Error && /cannot decode/i.test(err.message));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
