import { z } from "zod";
import { signedIn } from "../access/access";
import { removeFromCall } from "../services/call-removal";
import { admitToCall, endCall, joinCall, recordCallLeft, setAutoAdmit } from "../services/calls";
import { saveBoardBeforeEnd } from "./board-events";
import { rooms } from "./constants";
import { defineEvent, type SocketContext, type SocketEventDef } from "./event-types";

const sessionId = z.string().uuid("sessionId must be a session id");
const withSession = z.object({ sessionId }).strict();

const description = z.object({ type: z.enum(["offer", "answer", "rollback"]), sdp: z.string().max(200_000).optional() }).strict();
const candidate = z
  .object({
    candidate: z.string().max(2_000),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .strict();

const signalSchema = z
  .object({
    sessionId,
    to: z.string().min(1).max(120),
    data: z.union([z.object({ description }).strict(), z.object({ candidate: candidate.nullable() }).strict()]),
  })
  .strict();

/**
 * Calls this socket has joined (session → connection id), so a disconnect closes their attendance.
 * A plain object, not a Map: another app instance reads it through the PostgreSQL adapter
 * (fetchSockets), which sends socket data as JSON — a Map would arrive empty.
 */
function joinedCalls(ctx: SocketContext): Record<string, string> {
  return ((ctx.socket.data.calls as Record<string, string> | undefined) ??= {});
}

/** The connection id another socket (maybe on another instance) has in this call. */
function connectionIn(data: { calls?: Record<string, string> }, id: string): string | undefined {
  return data.calls?.[id];
}

function connectionOf(ctx: SocketContext, id: string): string {
  const connectionId = joinedCalls(ctx)[id];
  if (!connectionId || !ctx.socket.rooms.has(rooms.call(id))) {
    throw Object.assign(new Error("You are not in this call."), { code: "NOT_IN_CALL" });
  }
  return connectionId;
}

/** `left`: the user pressed Leave; otherwise the socket dropped and the others keep their tile for a while. */
async function leave(ctx: SocketContext, id: string, left = false): Promise<void> {
  const connectionId = joinedCalls(ctx)[id];
  if (!connectionId) return;
  delete joinedCalls(ctx)[id];
  await recordCallLeft(ctx.services, id, connectionId);
  ctx.socket.to(rooms.call(id)).emit("call:peer-left", { sessionId: id, connectionId, userId: ctx.user.userId, left });
  for (const room of [rooms.call(id), rooms.callConnection(id, connectionId), rooms.callStaff(id)]) void ctx.socket.leave(room);
}

/** On disconnect: every call this socket was in records the leave and tells the others. */
export async function leaveAllCalls(ctx: SocketContext): Promise<void> {
  for (const id of Object.keys(joinedCalls(ctx))) await leave(ctx, id);
}

/**
 * The call's signalling and control. Peers are addressed by connection (socket) id through a room
 * only a socket that joined this session's call is in, so no message can reach another session.
 */
export const callEvents: Record<string, SocketEventDef> = {
  "call:join": defineEvent({
    access: signedIn,
    // peerId: random per browser tab, so a socket that reconnects (network, server restart) is the same peer.
    schema: z.object({ sessionId, peerId: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/, "peerId must be 8–40 letters or digits") }).strict(),
    handle: async (ctx, { sessionId: id, peerId }) => {
      // Prefixed with the user id, so nobody can take over another user's connection address.
      const connectionId = `${ctx.user.userId}.${peerId}`;
      const result = await joinCall(ctx.services, ctx.user, id, connectionId);
      if (result.state === "waiting") {
        await ctx.socket.join([rooms.callWaiting(id, ctx.user.userId), rooms.callWaitingAll(id)]);
        ctx.io.to(rooms.callStaff(id)).emit("call:waiting", { userId: ctx.user.userId, name: ctx.user.name });
        return result;
      }
      for (const room of [rooms.callWaiting(id, ctx.user.userId), rooms.callWaitingAll(id)]) await ctx.socket.leave(room);
      await ctx.socket.join([rooms.call(id), rooms.callConnection(id, connectionId), ...(result.role === "patient" ? [] : [rooms.callStaff(id)])]);
      joinedCalls(ctx)[id] = connectionId;
      const others = (await ctx.io.in(rooms.call(id)).fetchSockets()).filter((s) => s.id !== ctx.socket.id);
      const waiting =
        result.role === "therapist"
          ? (await ctx.io.in(rooms.callWaitingAll(id)).fetchSockets()).map((s) => ({ userId: s.data.user.userId as string, name: s.data.user.name as string }))
          : [];
      ctx.socket.to(rooms.call(id)).emit("call:peer-joined", { sessionId: id, connectionId, userId: ctx.user.userId, role: result.role });
      return {
        ...result,
        connectionId,
        peers: others
          .map((s) => ({ connectionId: connectionIn(s.data, id) ?? "", userId: s.data.user.userId as string }))
          .filter((p) => p.connectionId && p.connectionId !== connectionId),
        waiting: [...new Map(waiting.map((w) => [w.userId, w])).values()],
      };
    },
  }),
  "call:signal": defineEvent({
    access: signedIn,
    schema: signalSchema,
    handle: (ctx, { sessionId: id, to, data }) => {
      const from = connectionOf(ctx, id);
      ctx.io.to(rooms.callConnection(id, to)).emit("call:signal", { sessionId: id, from, data });
      return null;
    },
  }),
  "call:media-state": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, microphone: z.boolean(), camera: z.boolean() }).strict(),
    handle: (ctx, { sessionId: id, microphone, camera }) => {
      const connectionId = connectionOf(ctx, id);
      ctx.socket.to(rooms.call(id)).emit("call:media-state", { sessionId: id, connectionId, userId: ctx.user.userId, microphone, camera });
      return null;
    },
  }),
  "call:admit": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, userId: z.string().min(1).max(64) }).strict(),
    handle: async (ctx, { sessionId: id, userId }) => {
      await admitToCall(ctx.services, ctx.user, id, userId);
      ctx.io.to(rooms.callWaiting(id, userId)).emit("call:admitted", { sessionId: id });
      return null;
    },
  }),
  "call:remove": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, userId: z.string().min(1).max(64) }).strict(),
    handle: async (ctx, { sessionId: id, userId }) => {
      await removeFromCall(ctx.services, ctx.user, id, userId);
      // Their tabs leave the call's rooms (no more signalling), the others drop their peer connections.
      const theirs = (await ctx.io.in(rooms.call(id)).fetchSockets()).filter((s) => s.data.user.userId === userId);
      for (const s of theirs) {
        const connectionId = connectionIn(s.data, id);
        if (connectionId) ctx.io.to(rooms.call(id)).emit("call:peer-left", { sessionId: id, connectionId, userId, left: true });
      }
      ctx.io.in(rooms.user(userId)).socketsLeave([rooms.call(id), rooms.callStaff(id)]);
      ctx.io.to(rooms.user(userId)).emit("call:removed", { sessionId: id });
      return null;
    },
  }),
  "call:auto-admit": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, autoAdmit: z.boolean() }).strict(),
    handle: async (ctx, { sessionId: id, autoAdmit }) => {
      await setAutoAdmit(ctx.services, ctx.user, id, autoAdmit);
      return null;
    },
  }),
  "call:leave": defineEvent({
    access: signedIn,
    schema: withSession,
    handle: async (ctx, { sessionId: id }) => {
      await leave(ctx, id, true);
      return null;
    },
  }),
  "call:end": defineEvent({
    access: signedIn,
    schema: withSession,
    handle: async (ctx, { sessionId: id }) => {
      await saveBoardBeforeEnd(ctx, id); // board and homework saved before the homework e-mail is queued
      const { endedAt } = await endCall(ctx.services, ctx.user, id);
      ctx.io.to([rooms.call(id), rooms.callWaitingAll(id)]).emit("call:ended", { sessionId: id, endedAt: endedAt.toISOString() });
      ctx.io.in(rooms.call(id)).socketsLeave([rooms.call(id), rooms.callStaff(id)]);
      return { endedAt: endedAt.toISOString() };
    },
  }),
};
