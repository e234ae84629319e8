import { lazy, Suspense, useEffect, useRef, useState } from "react";
import type { CallPanelProps } from "../call/call-panels";
import { useSessionSync } from "./use-session-sync";

// Excalidraw (~370 kB gzip) loads only when the board is opened, so the call itself starts fast.
// Its fonts come from the app (server/app.ts serves /excalidraw-assets/), never from a CDN: the path must
// be set before Excalidraw's module is evaluated.
const BoardCanvas = lazy(() => {
  (window as unknown as { EXCALIDRAW_ASSET_PATH: string }).EXCALIDRAW_ASSET_PATH = "/excalidraw-assets/";
  return import("./board-canvas.client");
});

/** The session's shared whiteboard. */
export function SessionBoardPanel({ sessionId, myRole, socket, onOpenChange }: CallPanelProps & { onOpenChange?: (open: boolean) => void }) {
  const sync = useSessionSync(socket, sessionId, (e) => e.kind === "snapshot" || e.kind === "lock" || (e.kind === "remote" && e.event !== "homework:upsert"));
  const [open, setOpen] = useState(false);
  const hasDrawing = Boolean(sync && Object.values(sync.board.elementsByPage).some((list) => list.some((e) => !e.isDeleted)));
  // The patient's board opens by itself when the therapist starts drawing.
  useEffect(() => {
    if (myRole !== "therapist" && hasDrawing) setOpen(true);
  }, [hasDrawing, myRole]);
  // The call room gives an open board the stage.
  useEffect(() => onOpenChange?.(open), [open, onOpenChange]);
  // Excalidraw's menu button is an icon without a name: give it one (screen readers, axe).
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    const root = panel.current;
    if (!open || !root) return;
    const label = () => root.querySelectorAll(".main-menu-trigger:not([aria-label])").forEach((b) => b.setAttribute("aria-label", "Whiteboard menu"));
    const observer = new MutationObserver(label);
    observer.observe(root, { subtree: true, childList: true });
    label();
    return () => observer.disconnect();
  }, [open]);

  return (
    <section ref={panel} className={`card board-panel${open ? " board-panel--open" : ""}`} aria-labelledby="board-title">
      <div className="board-panel__head">
        <h2 id="board-title">Whiteboard</h2>
        <button type="button" className="button button--secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? "Hide the whiteboard" : "Open the whiteboard"}
        </button>
      </div>
      {sync?.locked && myRole === "patient" ? <p className="muted">The therapist has locked the board: you can look, not draw.</p> : null}
      {open && sync ? (
        <Suspense fallback={<p role="status">Loading the whiteboard…</p>}>
          <BoardCanvas sync={sync} sessionId={sessionId} myRole={myRole} />
        </Suspense>
      ) : null}
    </section>
  );
}
