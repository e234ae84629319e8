import type { CallPanelProps } from "../call/call-panels";

/** The session's live homework list. */
export function SessionHomeworkPanel(_props: CallPanelProps) {
  return null;
}
