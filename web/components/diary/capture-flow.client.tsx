/**
 * Guided face capture: MediaPipe Face Landmarker (VIDEO mode) on the patient's own camera, in this browser.
 * Loaded only on the pages that capture (dynamic import), from files this app serves (no CDN).
 *
 * For each expression: a short "get ready" pause, live feedback (one face, head straight from the
 * transformation matrix, iris big enough, light enough), then automatic capture once the blendshapes
 * confirm the expression and it has peaked. Blendshapes only confirm the expression; asymmetry is measured
 * on the server from the landmarks. Inference always runs on the UNMIRRORED video element; only the
 * preview is mirrored (CSS), so the stored left/right are the patient's own.
 */
import type { FaceLandmarker } from "@mediapipe/tasks-vision";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  expressionScore,
  getExpression,
  irisDiameterPx,
  meanLuma,
  qualityGate,
  type Blendshape,
  type ExpressionId,
  type QualityProblem,
} from "../../../media/face/pose";
import { MIN_FRAMES } from "../../../server/domain/symmetry/constants";
import { MEDIAPIPE_WASM_URL } from "../../../server/http/asset-urls";
import { ExpressionIllustration } from "./expression-illustration";

/** Pause before each expression so the patient can read the instruction (and nothing is captured early). */
export const READY_MS = 2_500;
/** Accepted frames each expression is the median of (the server refuses fewer). */
export const FRAMES_NEEDED = MIN_FRAMES;
/** At most this many frames (the best by expression score) are sent per expression. */
const FRAMES_SENT = 15;
const BRIGHTNESS_EVERY_MS = 400;

export interface CapturedFrame {
  landmarks: [number, number, number][];
  transformationMatrix: number[];
  /** Only the blendshapes the expression check used. */
  blendshapes: Blendshape[];
}

/** One expression: the accepted frames around its peak (the server measures their median). */
export interface CapturedExpression {
  expression: ExpressionId;
  imageWidth: number;
  imageHeight: number;
  frames: CapturedFrame[];
  capturedAt: string;
  photo?: Blob;
}

type StepState = "pending" | "captured" | "skipped";

interface Frame {
  landmarks: [number, number, number][];
  matrix: number[];
  blendshapes: Blendshape[];
  score: number;
}

/** Five decimals of a normalised coordinate is below 0.01 px at 640 px: enough, and half the upload. */
const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

export interface CaptureFlowProps {
  expressions: readonly ExpressionId[];
  modelUrl: string;
  keepPhotos: boolean;
  /** Called with the captured expressions when the patient presses "Save". */
  onDone: (captures: CapturedExpression[]) => void | Promise<void>;
  onCancel?: () => void;
  saving?: boolean;
  deviceId?: string;
}

let landmarkerPromise: Promise<FaceLandmarker> | undefined;

/** Where tasks-vision 1.1.0 posts usage logs (every 60 s and on close); it has no option to turn them off. */
const MEDIAPIPE_TELEMETRY_HOST = "odml.pa.googleapis.com";

/**
 * Nothing about a face leaves the device, and the CSP forbids the call anyway (a console error each time).
 * The logger sends with `fetch`; answered here with "204 No Content", it records a failure and stops for good,
 * without a network request.
 */
function blockMediapipeTelemetry(): void {
  const w = window as Window & { __mediapipeTelemetryBlocked?: boolean };
  if (w.__mediapipeTelemetryBlocked) return;
  w.__mediapipeTelemetryBlocked = true;
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(`https://${MEDIAPIPE_TELEMETRY_HOST}/`)) return Promise.resolve(new Response(null, { status: 204 }));
    return original(input, init);
  };
}

/** One Face Landmarker per tab (the wasm and model are fetched once). */
export function loadFaceLandmarker(modelUrl: string): Promise<FaceLandmarker> {
  blockMediapipeTelemetry();
  landmarkerPromise ??= (async () => {
    const { FilesetResolver, FaceLandmarker } = await import("@mediapipe/tasks-vision");
    const fileset = await FilesetResolver.forVisionTasks(MEDIAPIPE_WASM_URL);
    return FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: modelUrl, delegate: "CPU" },
      runningMode: "VIDEO",
      // Two, so that a second person in view is seen and refused (numFaces 1 would silently pick one).
      numFaces: 2,
      outputFaceBlendshapes: true,
      outputFacialTransformationMatrixes: true,
    });
  })();
  landmarkerPromise.catch(() => (landmarkerPromise = undefined));
  return landmarkerPromise;
}

function usedBlendshapes(id: ExpressionId, all: Blendshape[]): Blendshape[] {
  const names = new Set(getExpression(id).rules.flatMap((r) => r.names));
  return all.filter((b) => names.has(b.categoryName)).map((b) => ({ categoryName: b.categoryName, score: Math.round(b.score * 1e4) / 1e4 }));
}

export default function CaptureFlow({ expressions, modelUrl, keepPhotos, onDone, onCancel, saving, deviceId }: CaptureFlowProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<"loading" | "ready" | "running" | "review" | "error">("loading");
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [steps, setSteps] = useState<Record<string, StepState>>(() => Object.fromEntries(expressions.map((e) => [e, "pending"])));
  const [problems, setProblems] = useState<QualityProblem[]>([]);
  const [hint, setHint] = useState("");
  const [mirrored, setMirrored] = useState(true);
  const captures = useRef(new Map<ExpressionId, CapturedExpression>());
  const stepStartedAt = useRef(0);
  const landmarker = useRef<FaceLandmarker | null>(null);
  const current = expressions[index];

  // Camera + model. A new stream of the (same) camera: the call's own stream is left untouched.
  useEffect(() => {
    let stream: MediaStream | undefined;
    let cancelled = false;
    (async () => {
      try {
        const [s, lm] = await Promise.all([
          navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) }, audio: false }),
          loadFaceLandmarker(modelUrl),
        ]);
        if (cancelled) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        stream = s;
        landmarker.current = lm;
        const video = videoRef.current!;
        video.srcObject = s;
        await video.play().catch(() => {});
        setPhase("ready");
      } catch (e) {
        const name = (e as Error)?.name;
        setError(
          name === "NotAllowedError"
            ? "The browser was not allowed to use the camera. Allow the camera for this site (the camera icon in the address bar) and try again."
            : name === "NotFoundError"
              ? "No camera was found. Connect a camera and try again."
              : "The face measurement could not start in this browser. Try again, or use an up-to-date Chrome, Edge or Firefox.",
        );
        setPhase("error");
      }
    })();
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [modelUrl, deviceId]);

  const advance = useCallback(
    (from: number) => {
      const next = expressions.findIndex((e, i) => i > from && captures.current.get(e) === undefined && steps[e] === "pending");
      if (next >= 0) {
        setIndex(next);
        stepStartedAt.current = performance.now();
      } else setPhase("review");
    },
    [expressions, steps],
  );

  // The detection loop for the current expression.
  useEffect(() => {
    if (phase !== "running" || !current) return;
    const video = videoRef.current!;
    const lm = landmarker.current!;
    const small = document.createElement("canvas");
    small.width = 64;
    small.height = 48;
    const smallCtx = small.getContext("2d", { willReadFrequently: true });
    const photoCanvas = keepPhotos ? document.createElement("canvas") : null;
    let stopped = false;
    let lastT = 0;
    let brightness: number | null = null;
    let lastBrightnessAt = 0;
    const frames: Frame[] = [];
    let bestScore = -1;
    let handle = 0;
    stepStartedAt.current = performance.now();

    const finish = (frames: Frame[]) => {
      const best = frames.slice().sort((a, b) => b.score - a.score).slice(0, FRAMES_SENT);
      const capture: CapturedExpression = {
        expression: current,
        imageWidth: video.videoWidth,
        imageHeight: video.videoHeight,
        frames: best.map((f) => ({ landmarks: f.landmarks, transformationMatrix: f.matrix, blendshapes: usedBlendshapes(current, f.blendshapes) })),
        capturedAt: new Date().toISOString(),
      };
      stopped = true;
      const done = () => {
        captures.current.set(current, capture);
        setSteps((s) => ({ ...s, [current]: "captured" }));
        setHint(`${getExpression(current).label}: captured.`);
        setTimeout(() => advance(index), 600);
      };
      if (photoCanvas) photoCanvas.toBlob((blob) => ((capture.photo = blob ?? undefined), done()), "image/jpeg", 0.85);
      else done();
    };

    const tick = () => {
      if (stopped) return;
      if (video.readyState >= 2 && video.videoWidth > 0) {
        const now = performance.now();
        const t = Math.max(now, lastT + 1);
        lastT = t;
        const result = lm.detectForVideo(video, t);
        if (smallCtx && now - lastBrightnessAt > BRIGHTNESS_EVERY_MS) {
          smallCtx.drawImage(video, 0, 0, 64, 48);
          brightness = meanLuma(smallCtx.getImageData(0, 0, 64, 48).data, 1);
          lastBrightnessAt = now;
        }
        const faces = result.faceLandmarks.length;
        const points = result.faceLandmarks[0];
        const matrix = result.facialTransformationMatrixes?.[0]?.data;
        const gate = qualityGate({
          faces,
          matrix: matrix ?? null,
          landmarks: points ?? null,
          width: video.videoWidth,
          height: video.videoHeight,
          irisPx: points ? irisDiameterPx(points, video.videoWidth, video.videoHeight) : null,
          brightness,
        });
        setProblems(gate);
        const ready = now - stepStartedAt.current >= READY_MS;
        if (gate.length === 0 && points && matrix && ready) {
          const blendshapes = (result.faceBlendshapes?.[0]?.categories ?? []).map((c) => ({ categoryName: c.categoryName, score: c.score }));
          const { score, confirmed } = expressionScore(current, blendshapes);
          if (confirmed) {
            // Accepted frames add up until enough are held, even if the expression is let go in between.
            frames.push({ landmarks: points.map((p) => [round5(p.x), round5(p.y), round5(p.z)]), matrix: Array.from(matrix), blendshapes, score });
            if (photoCanvas && score > bestScore) {
              bestScore = score;
              photoCanvas.width = video.videoWidth;
              photoCanvas.height = video.videoHeight;
              photoCanvas.getContext("2d")!.drawImage(video, 0, 0);
            }
            if (frames.length >= FRAMES_NEEDED) return finish(frames);
            const left = FRAMES_NEEDED - frames.length;
            setHint(`Hold it… ${left} more frame${left === 1 ? "" : "s"} needed.`);
          } else if (frames.length > 0) {
            const left = FRAMES_NEEDED - frames.length;
            setHint(`${current === "rest" ? "Relax your face again" : "Again: " + getExpression(current).instruction} ${left} more frame${left === 1 ? "" : "s"} needed.`);
          } else setHint(current === "rest" ? "Relax your face." : "Now: " + getExpression(current).instruction);
        } else if (!ready) setHint("Get ready…");
      }
      handle = "requestVideoFrameCallback" in video ? video.requestVideoFrameCallback(tick) : requestAnimationFrame(tick);
    };
    tick();
    return () => {
      stopped = true;
      if ("cancelVideoFrameCallback" in video) video.cancelVideoFrameCallback(handle);
      cancelAnimationFrame(handle);
    };
  }, [phase, index]);

  const skip = () => {
    setSteps((s) => ({ ...s, [current!]: "skipped" }));
    setHint(`${getExpression(current!).label}: skipped. You can try it another time.`);
    advance(index);
  };

  const retake = (id: ExpressionId) => {
    captures.current.delete(id);
    setSteps((s) => ({ ...s, [id]: "pending" }));
    setIndex(expressions.indexOf(id));
    setPhase("running");
  };

  const start = () => {
    performance.mark("face-capture-start");
    setIndex(expressions.findIndex((e) => steps[e] === "pending"));
    setPhase("running");
  };

  const captured = expressions.filter((e) => steps[e] === "captured");
  const def = current ? getExpression(current) : null;

  return (
    <div className="capture">
      <div className="capture__stage">
        <video ref={videoRef} className={mirrored ? "capture__video capture__video--mirrored" : "capture__video"} muted playsInline aria-label="Your camera (only in this browser)" />
        <div className="capture__guide" aria-hidden="true" />
      </div>
      <div className="capture__side">
        {phase === "loading" ? <p role="status">Starting the camera and the face measurement… (the first time this can take a few seconds)</p> : null}
        {phase === "error" ? (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        ) : null}
        {phase === "ready" ? (
          <>
            <p>
              You will be asked for {expressions.length === 2 ? "two" : expressions.length} expressions, one at a time. Each one is captured by itself when your head is
              straight and the expression is held. You can skip any of them.
            </p>
            <button type="button" className="button" onClick={start}>
              Start capture
            </button>
          </>
        ) : null}
        {phase === "running" && def ? (
          <section aria-labelledby="expression-title" className="capture__step">
            <p className="muted">
              Step {index + 1} of {expressions.length}
            </p>
            <h2 id="expression-title">{def.label}</h2>
            <ExpressionIllustration id={def.id} />
            <p className="capture__instruction">{def.instruction}</p>
            <div role="status" aria-live="polite" className="capture__feedback">
              {problems.length ? (
                <ul>
                  {problems.map((p) => (
                    <li key={p.code}>{p.message}</li>
                  ))}
                </ul>
              ) : (
                <p>{hint || "Looking good."}</p>
              )}
            </div>
            <button type="button" className="button button--secondary" onClick={skip}>
              I can't do this yet
            </button>
          </section>
        ) : null}
        {phase === "review" ? (
          <section aria-labelledby="review-title">
            <h2 id="review-title">Your snapshot</h2>
            <ul className="capture__review">
              {expressions.map((e) => (
                <li key={e}>
                  <span>
                    {getExpression(e).label}: <strong>{steps[e] === "captured" ? "captured" : "skipped"}</strong>
                  </span>{" "}
                  <button type="button" className="link-button" onClick={() => retake(e)}>
                    {steps[e] === "captured" ? "Retake" : "Try"} {getExpression(e).label.toLowerCase()}
                  </button>
                </li>
              ))}
            </ul>
            {!captured.includes("rest") ? <p className="alert">Without the resting face the trend cannot be compared. Try "Rest" again if you can.</p> : null}
            <button
              type="button"
              className="button"
              disabled={captured.length === 0 || saving}
              onClick={() => onDone(expressions.map((e) => captures.current.get(e)).filter((c): c is CapturedExpression => Boolean(c)))}
            >
              {saving ? "Saving…" : "Save snapshot"}
            </button>
          </section>
        ) : null}
        <div className="capture__controls">
          <button type="button" className="link-button" onClick={() => setMirrored((m) => !m)} aria-pressed={!mirrored}>
            {mirrored ? "Show true image" : "Mirror my view"}
          </button>
          {onCancel ? (
            <button type="button" className="link-button" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
        <p className="muted small">
          {keepPhotos ? "Only the face points and the pictures you agreed to keep are sent." : "No picture leaves your computer: only the face points are sent."}
        </p>
      </div>
    </div>
  );
}

/** Posts captured expressions to the diary (landmarks first, then pictures if kept). */
export async function uploadSnapshot(captures: CapturedExpression[], target: { entryId?: string; sessionId?: string }): Promise<{ snapshotId: string; entryId: string }> {
  const response = await fetch("/api/diary/snapshots", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...target, captures: captures.map(({ photo: _photo, ...c }) => c) }),
  });
  const body = (await response.json().catch(() => ({}))) as { snapshotId?: string; entryId?: string; message?: string };
  if (!response.ok || !body.snapshotId) throw new Error(body.message ?? "The snapshot could not be saved. Please try again.");
  for (const c of captures) {
    if (!c.photo) continue;
    await fetch(`/api/diary/snapshots/${body.snapshotId}/photos/${c.expression}`, { method: "POST", headers: { "content-type": c.photo.type || "image/jpeg" }, body: c.photo });
  }
  performance.mark("face-snapshot-stored");
  return { snapshotId: body.snapshotId, entryId: body.entryId! };
}
