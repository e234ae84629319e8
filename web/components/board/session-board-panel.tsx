import type { CallPanelProps } from "../call/call-panels";

/** The session's shared whiteboard. */
export function SessionBoardPanel(_props: CallPanelProps) {
  return null;
}
