import { z } from "zod";
import { rolesAccess } from "../access/access";
import { getCallContext } from "../services/sessions/access";
import { getSnapshot } from "../services/diary";
import { rooms } from "./constants";
import { defineEvent, type SocketContext, type SocketEventDef } from "./event-types";

const sessionId = z.string().uuid("sessionId must be a session id");

/** Events the server sends to the call room. */
export const DIARY_SERVER_EVENTS = {
  requested: "diary:snapshot-requested",
  status: "diary:snapshot-status",
  saved: "diary:snapshot-saved",
} as const;

/** The socket must be in this session's call (joined the room) and be its therapist or patient. */
async function inCall(ctx: SocketContext, id: string, role: "therapist" | "patient") {
  if (!ctx.socket.rooms.has(rooms.call(id))) throw Object.assign(new Error("You are not in this call."), { code: "NOT_IN_CALL" });
  const call = await getCallContext(ctx.services, ctx.user, id);
  if (call.myRole !== role) throw Object.assign(new Error(`Only the session's ${role} can do this.`), { code: "FORBIDDEN" });
  return call;
}

/**
 * In-call face snapshots: the therapist asks, the patient's own browser captures rest + smile on the
 * patient's camera and posts it (HTTP, to their diary), then tells the room; both panels show the measures.
 */
export const diaryEvents: Record<string, SocketEventDef> = {
  "diary:request-snapshot": defineEvent({
    access: rolesAccess("therapist"),
    schema: z.object({ sessionId }).strict(),
    handle: async (ctx, { sessionId: id }) => {
      const call = await inCall(ctx, id, "therapist");
      ctx.io.to(rooms.call(id)).emit(DIARY_SERVER_EVENTS.requested, { sessionId: id, therapistName: call.therapist.name });
      return { requested: true };
    },
  }),
  "diary:snapshot-status": defineEvent({
    access: rolesAccess("patient"),
    schema: z.object({ sessionId, status: z.enum(["started", "declined", "needs-consent", "failed"]) }).strict(),
    handle: async (ctx, { sessionId: id, status }) => {
      await inCall(ctx, id, "patient");
      ctx.socket.to(rooms.call(id)).emit(DIARY_SERVER_EVENTS.status, { sessionId: id, status });
      return { sent: true };
    },
  }),
  "diary:snapshot-shared": defineEvent({
    access: rolesAccess("patient"),
    schema: z.object({ sessionId, snapshotId: z.string().uuid() }).strict(),
    handle: async (ctx, { sessionId: id, snapshotId }) => {
      await inCall(ctx, id, "patient");
      const snap = await getSnapshot(ctx.services, ctx.user, snapshotId);
      const summary = { sessionId: id, snapshotId, entryId: snap.entryId, capturedAt: snap.capturedAt, keyMeasures: snap.keyMeasures, expressions: snap.captures.map((c) => c.expression) };
      ctx.io.to(rooms.call(id)).emit(DIARY_SERVER_EVENTS.saved, summary);
      return summary;
    },
  }),
};
