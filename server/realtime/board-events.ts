import type { SocketEventDef } from "./event-types";

/** Socket events of the board area (each with its access rule and payload schema). */
export const boardEvents: Record<string, SocketEventDef> = {};
