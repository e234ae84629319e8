import { z } from "zod";
import { signedIn } from "../access/access";
import { isPlainRecord } from "../domain/collab/payload-checks";
import { SYNC_EVENTS } from "../domain/collab/sync-protocol";
import { audit } from "../services/audit";
import { getCallContext } from "../services/sessions/access";
import { attachableIllustrationIds } from "../services/homework/catalogue";
import { saveBoardLock } from "../services/board/session-sync";
import { boardHub } from "./board-hub";
import { rooms } from "./constants";
import { defineEvent, type SocketContext, type SocketEventDef } from "./event-types";

const sessionId = z.string().uuid("sessionId must be a session id");

type BoardRole = "therapist" | "patient" | "guest_staff";
interface OpenedBoard {
  role: BoardRole;
  patientId: string;
}

/** Sessions whose board this socket opened, with the user's role there and the session's patient (checked once, at board:join). */
function openedBoards(ctx: SocketContext): Map<string, OpenedBoard> {
  return ((ctx.socket.data.boards as Map<string, OpenedBoard> | undefined) ??= new Map<string, OpenedBoard>());
}

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

/** The user's role on this session's board; only a socket admitted to the call and that joined the board. */
function boardOf(ctx: SocketContext, id: unknown): OpenedBoard {
  if (typeof id !== "string") fail("INVALID_PAYLOAD", "sessionId is required.");
  const board = openedBoards(ctx).get(id);
  if (!board || !ctx.socket.rooms.has(rooms.call(id))) fail("NOT_IN_CALL", "You are not in this session's call.");
  return board;
}

const roleIn = (ctx: SocketContext, id: unknown): BoardRole => boardOf(ctx, id).role;

const sessionOf = (payload: unknown): unknown => (isPlainRecord(payload) ? payload.sessionId : undefined);

/** A sync message (board:update, board:page, homework:upsert): who may send it, then the pure protocol. */
function syncEvent(event: string, allowed: (role: BoardRole, locked: boolean) => string | null): SocketEventDef {
  return defineEvent({
    access: signedIn,
    // The payload is checked field by field by the sync protocol itself (server/domain/collab).
    schema: z.unknown(),
    handle: async (ctx, payload) => {
      const id = sessionOf(payload);
      const { role, patientId } = boardOf(ctx, id);
      const hub = boardHub(ctx.services, ctx.io);
      const entry = await hub.entry(id as string);
      const refusal = allowed(role, entry.locked);
      if (refusal) fail(refusal === "BOARD_LOCKED" ? "BOARD_LOCKED" : "FORBIDDEN", refusal === "BOARD_LOCKED" ? "The therapist has locked the board." : refusal);
      if (event === SYNC_EVENTS.homeworkUpsert && isPlainRecord(payload) && Array.isArray(payload.items)) {
        const wanted = payload.items.flatMap((item) => (isPlainRecord(item) && Array.isArray(item.illustrationIds) ? item.illustrationIds.filter((i): i is string => typeof i === "string") : []));
        if (wanted.length > 0) {
          const allowedIds = await attachableIllustrationIds(ctx.services, id as string, wanted);
          const unknown = wanted.find((i) => !allowedIds.has(i));
          if (unknown) fail("INVALID_PAYLOAD", `The change was refused: illustration ${unknown} is not available in this session.`);
        }
      }
      return hub.apply(id as string, event, payload, ctx.socket, { actor: ctx.user, patientId });
    },
  });
}

const staffOnly = (what: string) => (role: BoardRole) => (role === "patient" ? `Only the therapist can ${what}.` : null);

/** Socket events of the board area (each with its access rule and payload schema). */
export const boardEvents: Record<string, SocketEventDef> = {
  /** Opening the board: the whole state (a late joiner or a reload sees everything). */
  "board:join": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId }).strict(),
    handle: async (ctx, { sessionId: id }) => {
      if (!ctx.socket.rooms.has(rooms.call(id))) fail("NOT_IN_CALL", "You are not in this session's call.");
      const call = await getCallContext(ctx.services, ctx.user, id);
      openedBoards(ctx).set(id, { role: call.myRole, patientId: call.patient.id });
      const entry = await boardHub(ctx.services, ctx.io).entry(id);
      await audit(ctx.services, { actor: ctx.user, action: "board.read", recordType: "session_board", recordId: id, patientId: call.patient.id });
      return { role: call.myRole, locked: entry.locked, board: entry.state.board, homework: entry.state.homework };
    },
  }),
  [SYNC_EVENTS.boardUpdate]: syncEvent(SYNC_EVENTS.boardUpdate, (role, locked) => (role === "patient" && locked ? "BOARD_LOCKED" : null)),
  [SYNC_EVENTS.boardPage]: syncEvent(SYNC_EVENTS.boardPage, staffOnly("start a new page")),
  [SYNC_EVENTS.homeworkUpsert]: syncEvent(SYNC_EVENTS.homeworkUpsert, (role) => (role === "therapist" ? null : "Only the therapist can change the homework.")),
  /** The pointer: relayed volatile (a lost position is replaced by the next one), never stored. */
  "board:pointer": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, pageId: z.string().max(64), x: z.number().finite(), y: z.number().finite(), button: z.enum(["up", "down"]).optional() }).strict(),
    handle: (ctx, p) => {
      roleIn(ctx, p.sessionId);
      ctx.socket.volatile.to(rooms.call(p.sessionId)).emit("board:pointer", { ...p, userId: ctx.user.userId, name: ctx.user.name });
      return null;
    },
  }),
  "board:lock": defineEvent({
    access: signedIn,
    schema: z.object({ sessionId, locked: z.boolean() }).strict(),
    handle: async (ctx, { sessionId: id, locked }) => {
      if (roleIn(ctx, id) !== "therapist") fail("FORBIDDEN", "Only the therapist can lock the board.");
      await saveBoardLock(ctx.services, id, locked);
      const hub = boardHub(ctx.services, ctx.io);
      (await hub.entry(id)).locked = locked;
      ctx.io.to(rooms.call(id)).emit("board:lock", { sessionId: id, locked });
      return { locked };
    },
  }),
};

/** Before the session ends: everything accepted on its board and homework is saved (small hook in call:end). */
export async function saveBoardBeforeEnd(ctx: SocketContext, id: string): Promise<void> {
  await boardHub(ctx.services, ctx.io).flushSession(id);
}
