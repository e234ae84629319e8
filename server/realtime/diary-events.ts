import type { SocketEventDef } from "./event-types";

/** Socket events of the diary area (each with its access rule and payload schema). */
export const diaryEvents: Record<string, SocketEventDef> = {};
