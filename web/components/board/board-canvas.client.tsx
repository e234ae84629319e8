/**
 * Excalidraw bound to the session's replica: local edits enter the replica element by element (only
 * those whose version changed), remote ones are merged with Excalidraw's own reconcile (which keeps
 * an element the user is editing right now), pointers travel on a volatile channel.
 */
import { CaptureUpdateAction, convertToExcalidrawElements, Excalidraw, exportToBlob, reconcileElements } from "@excalidraw/excalidraw";
import "@excalidraw/excalidraw/index.css";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type BoardElement, clearPage, comparePageOrder, liveElements, newPage, pageElements } from "../../../server/domain/collab/board-reconcile";
import { randomVersionNonce } from "../../../server/domain/collab/last-writer-wins";
import type { SessionSync } from "./session-sync";

type Api = {
  updateScene(scene: Record<string, unknown>): void;
  getSceneElementsIncludingDeleted(): readonly BoardElement[];
  getAppState(): Record<string, unknown>;
  getFiles(): Record<string, { id: string }>;
  addFiles(files: { id: string; dataURL: string; mimeType: string; created: number }[]): void;
};

const POINTER_INTERVAL_MS = 50;
const stamp = (e: BoardElement) => `${e.version}:${e.versionNonce}`;


function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

interface Technique {
  id: string;
  name: string;
  illustrations: { id: string; caption: string }[];
}

export default function BoardCanvas({ sync, sessionId, myRole }: { sync: SessionSync; sessionId: string; myRole: string }) {
  const api = useRef<Api | null>(null);
  const known = useRef(new Map<string, string>());
  const [pageId, setPageId] = useState(() => sync.board.pages.find((p) => !p.isDeleted)?.id ?? "page-1");
  const pageRef = useRef(pageId);
  const [pages, setPages] = useState(() => sync.board.pages.filter((p) => !p.isDeleted).sort(comparePageOrder));
  const [locked, setLocked] = useState(sync.locked);
  const [status, setStatus] = useState<string>("");
  const [techniques, setTechniques] = useState<Technique[]>([]);
  const lastPointer = useRef(0);
  const collaborators = useRef(new Map<string, unknown>());
  const isTherapist = myRole === "therapist";
  const canDraw = isTherapist || myRole === "guest_staff" || !locked;

  useEffect(() => {
    if (!isTherapist) return;
    void fetch("/api/techniques", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : { techniques: [] }))
      .then((d: { techniques: Technique[] }) => setTechniques(d.techniques));
  }, [isTherapist]);

  const loadFiles = useCallback(async (elements: readonly BoardElement[]) => {
    const a = api.current;
    if (!a) return;
    const have = a.getFiles();
    const missing = [...new Set(elements.filter((e) => e.type === "image" && typeof e.fileId === "string" && !have[e.fileId as string]).map((e) => e.fileId as string))];
    for (const fileId of missing) {
      const id = fileId.replace(/^catalogue-/, "");
      const response = await fetch(`/api/illustrations/${encodeURIComponent(id)}`, { credentials: "same-origin" });
      if (!response.ok) continue;
      const blob = await response.blob();
      a.addFiles([{ id: fileId, dataURL: await blobToDataUrl(blob), mimeType: blob.type, created: Date.now() }]);
    }
  }, []);

  /** Shows the replica's page, merged into what is on screen. */
  const showPage = useCallback(
    (id: string, replace: boolean) => {
      const a = api.current;
      if (!a) return;
      // Copies: Excalidraw mutates the element objects it holds, the replica's records must not change under it.
      const remote = pageElements(sync.board, id).map((e) => structuredClone(e));
      const elements = replace ? remote : (reconcileElements(a.getSceneElementsIncludingDeleted() as never, remote as never, a.getAppState() as never) as unknown as BoardElement[]);
      if (replace) known.current.clear();
      for (const e of elements) known.current.set(e.id, stamp(e));
      a.updateScene({ elements, captureUpdate: CaptureUpdateAction.NEVER });
      void loadFiles(elements);
    },
    [sync, loadFiles],
  );

  useEffect(
    () =>
      sync.subscribe((e) => {
        if (e.kind === "remote" && e.event === "board:update" && e.pageId === pageRef.current) showPage(pageRef.current, false);
        if ((e.kind === "remote" && e.event === "board:page") || e.kind === "snapshot") {
          const live = sync.board.pages.filter((p) => !p.isDeleted).sort(comparePageOrder);
          setPages(live);
          if (e.kind === "snapshot") showPage(pageRef.current, false);
          // The therapist started a new page: everyone follows.
          else if (!isTherapist && live.length > 0) {
            const last = live[live.length - 1].id;
            pageRef.current = last;
            setPageId(last);
            showPage(last, true);
          }
        }
        if (e.kind === "lock") setLocked(sync.locked);
        if (e.kind === "pointer" && api.current) {
          const p = e.pointer;
          if (p.pageId !== pageRef.current) collaborators.current.delete(p.userId);
          else collaborators.current.set(p.userId, { username: p.name, pointer: { x: p.x, y: p.y, tool: "pointer" }, button: p.button ?? "up" });
          api.current.updateScene({ collaborators: new Map(collaborators.current), captureUpdate: CaptureUpdateAction.NEVER });
        }
        if (e.kind === "error") setStatus(e.message);
      }),
    [sync, showPage, isTherapist],
  );

  // Test hook (end-to-end tests compare both participants' boards).
  useEffect(() => {
    (window as unknown as { __board?: unknown }).__board = {
      pageId: () => pageRef.current,
      elements: () => liveElements(pageElements(sync.board, pageRef.current)).map((e) => ({ id: e.id, version: e.version, versionNonce: e.versionNonce })),
      pending: () => sync.replica.pendingCount,
      scene: () => api.current?.getSceneElementsIncludingDeleted().map((e) => ({ id: e.id, version: e.version, isDeleted: e.isDeleted })) ?? null,
    };
  }, [sync]);

  const onChange = useCallback(
    (elements: readonly BoardElement[]) => {
      if (!canDraw) return;
      const changed = elements.filter((e) => known.current.get(e.id) !== stamp(e));
      if (changed.length === 0) return;
      for (const e of changed) known.current.set(e.id, stamp(e));
      // Excalidraw mutates elements in place while drawing: the replica gets a snapshot of each.
      sync.replica.applyLocalElements(pageRef.current, changed.map((e) => structuredClone(e)));
      sync.changed();
    },
    [sync, canDraw],
  );

  const onPointerUpdate = useCallback(
    ({ pointer, button }: { pointer: { x: number; y: number }; button: "up" | "down" }) => {
      const now = performance.now();
      if (now - lastPointer.current < POINTER_INTERVAL_MS || !sync.socket.connected) return;
      lastPointer.current = now;
      sync.socket.volatile.emit("board:pointer", { sessionId, pageId: pageRef.current, x: pointer.x, y: pointer.y, button });
    },
    [sync, sessionId],
  );

  const switchPage = (id: string) => {
    pageRef.current = id;
    setPageId(id);
    showPage(id, true);
  };

  const addPage = () => {
    const id = `page-${Math.random().toString(36).slice(2, 10)}`;
    const { page } = newPage(sync.board, { id, title: `Page ${pages.length + 1}`, versionNonce: randomVersionNonce() });
    sync.replica.applyLocalPages([page]);
    sync.changed();
    setPages(sync.board.pages.filter((p) => !p.isDeleted).sort(comparePageOrder));
    switchPage(id);
  };

  const clear = () => {
    const { tombstones } = clearPage(sync.board, pageRef.current, randomVersionNonce);
    if (tombstones.length === 0) return;
    sync.replica.applyLocalElements(pageRef.current, tombstones);
    sync.changed();
    showPage(pageRef.current, true);
  };

  const toggleLock = async () => {
    const ack = (await sync.socket.emitWithAck("board:lock", { sessionId, locked: !locked })) as { ok: boolean; message?: string };
    if (!ack.ok) setStatus(ack.message ?? "Could not change the lock.");
  };

  const place = async (illustrationId: string) => {
    const a = api.current;
    if (!a || !illustrationId) return;
    const fileId = `catalogue-${illustrationId}`;
    await loadFiles([{ id: "probe", version: 1, versionNonce: 0, isDeleted: false, type: "image", fileId }]);
    const state = a.getAppState() as { scrollX: number; scrollY: number; zoom: { value: number }; width: number; height: number };
    const x = -state.scrollX + state.width / (2 * state.zoom.value) - 160;
    const y = -state.scrollY + state.height / (2 * state.zoom.value) - 130;
    const [image] = convertToExcalidrawElements([{ type: "image", fileId, x, y, width: 320, height: 260 } as never]) as unknown as BoardElement[];
    a.updateScene({ elements: [...a.getSceneElementsIncludingDeleted(), image], captureUpdate: CaptureUpdateAction.IMMEDIATELY });
    setStatus("Illustration placed on the board.");
  };

  const exportPage = async () => {
    const a = api.current;
    if (!a) return;
    const elements = liveElements(a.getSceneElementsIncludingDeleted());
    if (elements.length === 0) return setStatus("This page is empty: draw something first.");
    setStatus("Exporting…");
    const blob = await exportToBlob({ elements: elements as never, appState: { ...(a.getAppState() as object), exportBackground: true, viewBackgroundColor: "#ffffff" } as never, files: a.getFiles() as never, mimeType: "image/png" });
    const title = pages.find((p) => p.id === pageRef.current)?.title ?? "Board";
    const response = await fetch(`/api/sessions/${sessionId}/illustrations?caption=${encodeURIComponent(`Whiteboard: ${title}`)}`, { method: "POST", body: blob, headers: { "content-type": "image/png" }, credentials: "same-origin" });
    if (!response.ok) return setStatus(((await response.json().catch(() => ({}))) as { message?: string }).message ?? "The export could not be saved.");
    window.dispatchEvent(new CustomEvent("session-illustrations-changed"));
    setStatus(`“${title}” was saved as an illustration: attach it to a homework item.`);
  };

  const initialData = useMemo(() => ({ elements: pageElements(sync.board, pageId), appState: { viewBackgroundColor: "#ffffff" } }), []);

  return (
    <div className="board">
      <div className="board__toolbar" role="toolbar" aria-label="Whiteboard pages and tools">
        <div className="board__pages" role="group" aria-label="Pages">
          {pages.map((p) => (
            <button key={p.id} type="button" className={`button button--small${p.id === pageId ? "" : " button--secondary"}`} aria-pressed={p.id === pageId} onClick={() => switchPage(p.id)}>
              {p.title}
            </button>
          ))}
        </div>
        {isTherapist ? (
          <>
            <button type="button" className="button button--small button--secondary" onClick={addPage}>
              New page
            </button>
            <button type="button" className="button button--small button--secondary" onClick={clear}>
              Clear page
            </button>
            <button type="button" className="button button--small button--secondary" aria-pressed={locked} onClick={() => void toggleLock()}>
              {locked ? "Let the patient draw" : "Lock the board"}
            </button>
            <label className="board__place">
              <span>Place an illustration</span>
              <select value="" onChange={(e) => void place(e.target.value)}>
                <option value="">Choose…</option>
                {techniques.flatMap((t) =>
                  t.illustrations.map((i) => (
                    <option key={i.id} value={i.id}>
                      {t.name}
                    </option>
                  )),
                )}
              </select>
            </label>
            <button type="button" className="button button--small" onClick={() => void exportPage()}>
              Export page to homework
            </button>
          </>
        ) : null}
      </div>
      <p className="muted board__status" role="status" aria-live="polite">
        {status}
      </p>
      <div className="board__canvas" data-testid="board-canvas">
        <Excalidraw
          excalidrawAPI={(a: unknown) => {
            api.current = a as Api;
            void loadFiles(pageElements(sync.board, pageRef.current));
          }}
          initialData={initialData as never}
          onChange={onChange as never}
          onPointerUpdate={onPointerUpdate as never}
          viewModeEnabled={!canDraw}
          isCollaborating
          UIOptions={{ canvasActions: { loadScene: false, saveToActiveFile: false, export: false, saveAsImage: false } }}
        />
      </div>
    </div>
  );
}
