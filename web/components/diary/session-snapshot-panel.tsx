import type { CallPanelProps } from "../call/call-panels";

/** The session's in-call face snapshot. */
export function SessionSnapshotPanel(_props: CallPanelProps) {
  return null;
}
