import type { Socket } from "socket.io-client";
import { SessionBoardPanel } from "../board/session-board-panel";
import { SessionSnapshotPanel } from "../diary/session-snapshot-panel";
import { SessionHomeworkPanel } from "../homework/session-homework-panel";

export interface CallPanelProps {
  sessionId: string;
  myRole: "therapist" | "patient" | "guest_staff";
  socket: Socket;
}

/** The side panels of a live session: the same for both transports. */
export function CallPanels(props: CallPanelProps) {
  return (
    <div className="call-panels">
      <SessionBoardPanel {...props} />
      <SessionHomeworkPanel {...props} />
      <SessionSnapshotPanel {...props} />
    </div>
  );
}
