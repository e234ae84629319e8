import { lazy, Suspense, useEffect, useState } from "react";
import { FACE_MODEL_URL } from "../../../server/http/asset-urls";
import type { CallPanelProps } from "../call/call-panels";
import type { CapturedExpression } from "./capture-flow.client";
import { KeyMeasures } from "./entry-card";

const CaptureFlow = lazy(() => import("./capture-flow.client"));

/** In a session the snapshot is short: rest and a big smile. */
const SESSION_EXPRESSIONS = ["rest", "big_smile"] as const;

interface SavedSummary {
  snapshotId: string;
  entryId: string;
  capturedAt: string;
  keyMeasures: { key: string; label: string; unit: string; value: number }[];
}

/**
 * The session's in-call face snapshot. The therapist asks; the patient's panel opens the capture on the
 * patient's own camera (a second stream of the same device), the result goes to the patient's diary, and
 * both panels show its key measures.
 */
export function SessionSnapshotPanel({ sessionId, myRole, socket }: CallPanelProps) {
  const [requested, setRequested] = useState(false);
  const [status, setStatus] = useState<string>("");
  const [saved, setSaved] = useState<SavedSummary | null>(null);
  const [saving, setSaving] = useState(false);
  const [modelUrl, setModelUrl] = useState(FACE_MODEL_URL);

  useEffect(() => {
    const onRequested = (p: { sessionId: string }) => {
      if (p.sessionId !== sessionId || myRole !== "patient") return;
      setSaved(null);
      setRequested(true);
      setStatus("Your therapist asks for a face snapshot: rest and a big smile.");
    };
    const onStatus = (p: { sessionId: string; status: string }) => {
      if (p.sessionId !== sessionId) return;
      const text: Record<string, string> = {
        started: "The patient is taking the snapshot…",
        declined: "The patient chose not to take a snapshot now.",
        "needs-consent": "The patient has not agreed to face snapshots yet (they can do so in their diary).",
        failed: "The snapshot could not be taken on the patient's side.",
      };
      setStatus(text[p.status] ?? "");
    };
    const onSaved = (p: SavedSummary & { sessionId: string }) => {
      if (p.sessionId !== sessionId) return;
      setSaved(p);
      setRequested(false);
      setStatus("New snapshot saved in the diary.");
    };
    socket.on("diary:snapshot-requested", onRequested);
    socket.on("diary:snapshot-status", onStatus);
    socket.on("diary:snapshot-saved", onSaved);
    return () => {
      socket.off("diary:snapshot-requested", onRequested);
      socket.off("diary:snapshot-status", onStatus);
      socket.off("diary:snapshot-saved", onSaved);
    };
  }, [socket, sessionId, myRole]);

  if (myRole === "guest_staff") return null;

  const ask = () => {
    setStatus("Asking the patient…");
    socket.emit("diary:request-snapshot", { sessionId }, (ack: { ok: boolean; message?: string }) => {
      if (!ack?.ok) setStatus(ack?.message ?? "The request could not be sent.");
    });
  };

  const accept = async () => {
    const consent = await fetch("/api/diary/consent").then((r) => (r.ok ? (r.json() as Promise<{ landmarks: unknown; modelUrl: string }>) : null)).catch(() => null);
    if (consent?.modelUrl) setModelUrl(consent.modelUrl);
    if (!consent?.landmarks) {
      socket.emit("diary:snapshot-status", { sessionId, status: "needs-consent" }, () => {});
      setRequested(false);
      setStatus("Face snapshots need your consent first. You can give it in your diary after the session.");
      return;
    }
    socket.emit("diary:snapshot-status", { sessionId, status: "started" }, () => {});
    setStatus("");
    setCapturing(true);
  };
  const [capturing, setCapturing] = useState(false);

  const decline = () => {
    socket.emit("diary:snapshot-status", { sessionId, status: "declined" }, () => {});
    setRequested(false);
    setCapturing(false);
    setStatus("");
  };

  const save = async (captures: CapturedExpression[]) => {
    setSaving(true);
    try {
      const { uploadSnapshot } = await import("./capture-flow.client");
      const result = await uploadSnapshot(
        captures.map(({ photo: _p, ...c }) => c),
        { sessionId },
      );
      socket.emit("diary:snapshot-shared", { sessionId, snapshotId: result.snapshotId }, () => {});
      setCapturing(false);
    } catch (e) {
      setStatus((e as Error).message);
      socket.emit("diary:snapshot-status", { sessionId, status: "failed" }, () => {});
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card call-panel snapshot-panel" aria-labelledby="snapshot-panel-title">
      <h2 id="snapshot-panel-title">Face snapshot</h2>
      {myRole === "therapist" ? (
        <button type="button" className="button button--secondary" onClick={ask}>
          Ask the patient for a face snapshot
        </button>
      ) : null}
      {myRole === "patient" && requested && !capturing ? (
        <div className="button-row">
          <button type="button" className="button" onClick={accept}>
            Take the snapshot
          </button>
          <button type="button" className="button button--secondary" onClick={decline}>
            Not now
          </button>
        </div>
      ) : null}
      <p role="status" aria-live="polite">
        {status}
      </p>
      {myRole === "patient" && capturing ? (
        <Suspense fallback={<p role="status">Loading the capture…</p>}>
          <CaptureFlow expressions={SESSION_EXPRESSIONS} modelUrl={modelUrl} keepPhotos={false} onDone={save} onCancel={decline} saving={saving} />
        </Suspense>
      ) : null}
      {saved ? (
        <div className="snapshot-panel__result">
          <h3>Key measures of the new snapshot</h3>
          <KeyMeasures measures={saved.keyMeasures} />
          <p className="muted small">A rough view, not a diagnosis. It is in the diary, with the trend.</p>
        </div>
      ) : null}
    </section>
  );
}
