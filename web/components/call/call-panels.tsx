import { type ReactNode, useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import { SessionBoardPanel } from "../board/session-board-panel";
import { SessionSnapshotPanel } from "../diary/session-snapshot-panel";
import { SessionHomeworkPanel } from "../homework/session-homework-panel";

export interface CallPanelProps {
  sessionId: string;
  myRole: "therapist" | "patient" | "guest_staff";
  socket: Socket;
}

/**
 * The side panels of a live session, the same for both transports. The patient's face-snapshot card
 * stays out of the way until the therapist asks for one (it is mounted all along, hidden, so it hears
 * the request).
 */
export function CallPanels(props: CallPanelProps & { onBoardOpen: (open: boolean) => void; extra?: ReactNode }) {
  const { socket, sessionId, myRole } = props;
  const [snapshotShown, setSnapshotShown] = useState(myRole !== "patient");
  useEffect(() => {
    if (myRole !== "patient") return;
    const show = (p: { sessionId: string }) => p.sessionId === sessionId && setSnapshotShown(true);
    socket.on("diary:snapshot-requested", show);
    return () => void socket.off("diary:snapshot-requested", show);
  }, [socket, sessionId, myRole]);
  return (
    <div className="call-panels">
      <SessionBoardPanel {...props} onOpenChange={props.onBoardOpen} />
      <div className="call-panels__rest">
        <SessionHomeworkPanel {...props} />
        <div hidden={!snapshotShown}>
          <SessionSnapshotPanel {...props} />
        </div>
        {props.extra}
      </div>
    </div>
  );
}
