/**
 * Guided home practice: each exercise with its illustration, repetitions and a hold timer; optionally a
 * mirrored self-view and live feedback from the Face Landmarker running in this browser. Nothing of the video or
 * the face points is sent anywhere: the only request is the practice-log form the patient confirms at the end.
 */
import type { FaceLandmarker } from "@mediapipe/tasks-vision";
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { practiceFeedback, restReference, type PracticeFeedback, type RestReference } from "../../../media/face/practice-feedback";
import type { PracticeToday } from "../../../server/services/practice/practice-today";
import { loadFaceLandmarker } from "../diary/capture-flow.client";

const PAUSE_SECONDS = 3;

type Phase = "ready" | "hold" | "pause" | "done";

export default function PracticeSession({ today, modelUrl, fieldErrors }: { today: PracticeToday; modelUrl: string; fieldErrors?: Record<string, string> }) {
  const { exercises } = today;
  const [index, setIndex] = useState(0);
  const [rep, setRep] = useState(1);
  const [phase, setPhase] = useState<Phase>("ready");
  const [secondsLeft, setSecondsLeft] = useState(0);
  const [done, setDone] = useState<string[]>([]);
  const [startedAt] = useState(() => Date.now());
  const [finishedAt, setFinishedAt] = useState<number | null>(null);
  const [camera, setCamera] = useState(false);
  const [feedbackOn, setFeedbackOn] = useState(false);
  const exercise = exercises[index];

  // The timer: hold, then pause, for each repetition.
  useEffect(() => {
    if (phase !== "hold" && phase !== "pause") return;
    if (secondsLeft <= 0) {
      if (phase === "hold") {
        setPhase("pause");
        setSecondsLeft(PAUSE_SECONDS);
      } else if (rep < (exercise?.repetitions ?? 1)) {
        setRep((r) => r + 1);
        setPhase("hold");
        setSecondsLeft(exercise!.holdSeconds);
      } else {
        setDone((d) => (exercise && !d.includes(exercise.id) ? [...d, exercise.id] : d));
        setPhase("ready");
      }
      return;
    }
    const t = setTimeout(() => setSecondsLeft((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [phase, secondsLeft, rep, exercise]);

  const start = () => {
    setRep(1);
    setPhase("hold");
    setSecondsLeft(exercise!.holdSeconds);
  };
  const next = () => {
    if (exercise && phase !== "ready" && !done.includes(exercise.id)) setDone((d) => [...d, exercise.id]);
    if (index + 1 < exercises.length) {
      setIndex(index + 1);
      setPhase("ready");
      setRep(1);
    } else {
      setPhase("done");
      setFinishedAt(Date.now());
    }
  };

  if (phase === "done") {
    const minutes = Math.max(1, Math.round(((finishedAt ?? Date.now()) - startedAt) / 60_000));
    return <PracticeLogForm today={today} minutes={minutes} done={done} fieldErrors={fieldErrors} />;
  }

  return (
    <div className="practice">
      <section className="card practice__exercise" aria-labelledby="exercise-title">
        <p className="muted">
          Exercise {index + 1} of {exercises.length}
        </p>
        <h2 id="exercise-title">{exercise!.title}</h2>
        <p>{exercise!.dosageLine}</p>
        {exercise!.description ? <p>{exercise!.description}</p> : null}
        {exercise!.notes ? <p className="homework-list__notes">{exercise!.notes}</p> : null}
        {exercise!.illustrationIds.map((id) => (
          <img key={id} src={`/api/illustrations/${id}`} alt={`Illustration: ${exercise!.title}`} width={240} height={195} />
        ))}
        <div className="practice__timer" role="timer" aria-live="polite">
          {phase === "ready" ? (
            <p>
              {exercise!.repetitions} repetitions, hold each for {exercise!.holdSeconds} seconds.
            </p>
          ) : (
            <p>
              Repetition {rep} of {exercise!.repetitions}: <strong>{phase === "hold" ? `hold… ${secondsLeft} s` : `relax… ${secondsLeft} s`}</strong>
            </p>
          )}
        </div>
        <div className="practice__buttons">
          {phase === "ready" ? (
            <button type="button" className="button" onClick={start}>
              {done.includes(exercise!.id) ? "Do it again" : "Start the timer"}
            </button>
          ) : null}
          <button type="button" className="button button--secondary" onClick={next}>
            {index + 1 < exercises.length ? "Next exercise" : "Finish"}
          </button>
        </div>
      </section>
      <section className="card practice__mirror" aria-labelledby="mirror-title">
        <h2 id="mirror-title">Mirror</h2>
        <label className="check">
          <input type="checkbox" checked={camera} onChange={(e) => setCamera(e.target.checked)} /> Use my camera as a mirror
        </label>
        {camera ? (
          <>
            <label className="check">
              <input type="checkbox" checked={feedbackOn} onChange={(e) => setFeedbackOn(e.target.checked)} /> Show live feedback
            </label>
            <Mirror modelUrl={modelUrl} feedbackOn={feedbackOn} affectedSide={today.affectedSide} mouthExercise={exercise!.mouthExercise} />
          </>
        ) : (
          <p className="muted">The camera is off. The timer and the pictures are all you need.</p>
        )}
      </section>
    </div>
  );
}

function Mirror({ modelUrl, feedbackOn, affectedSide, mouthExercise }: { modelUrl: string; feedbackOn: boolean; affectedSide: "left" | "right" | null; mouthExercise: boolean }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<PracticeFeedback | null>(null);
  const rest = useRef<RestReference | null>(null);
  const options = useRef({ affectedSide, mouthExercise });
  options.current = { affectedSide, mouthExercise };

  useEffect(() => {
    let stream: MediaStream | undefined;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        videoRef.current!.srcObject = s;
        void videoRef.current!.play().catch(() => {});
      })
      .catch(() => setError("The camera could not start. You can practise without it."));
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  useEffect(() => {
    if (!feedbackOn) return;
    let stopped = false;
    let handle = 0;
    let last = 0;
    let lm: FaceLandmarker | null = null;
    const video = videoRef.current!;
    const tick = () => {
      if (stopped || !lm) return;
      if (video.readyState >= 2 && video.videoWidth > 0) {
        const t = Math.max(performance.now(), last + 1);
        last = t;
        const r = lm.detectForVideo(video, t);
        const points = r.faceLandmarks[0];
        if (points) {
          const frame = { landmarks: points, width: video.videoWidth, height: video.videoHeight, blendshapes: r.faceBlendshapes?.[0]?.categories ?? [] };
          rest.current ??= restReference(frame);
          setFeedback(practiceFeedback(frame, rest.current, options.current));
          (window as unknown as { __practiceFrames?: number }).__practiceFrames = ((window as unknown as { __practiceFrames?: number }).__practiceFrames ?? 0) + 1;
        }
      }
      handle = video.requestVideoFrameCallback(tick);
    };
    loadFaceLandmarker(modelUrl)
      .then((l) => {
        lm = l;
        tick();
      })
      .catch(() => setError("The live feedback could not start in this browser. The mirror still works."));
    return () => {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
    };
  }, [feedbackOn, modelUrl]);

  return (
    <div className="practice__video">
      {error ? <p className="alert">{error}</p> : null}
      <video ref={videoRef} className="capture__video capture__video--mirrored" muted playsInline aria-label="Your camera, mirrored (only on this device)" />
      {feedbackOn ? (
        feedback ? (
          <div role="status" aria-live="polite" className="practice__feedback">
            <p>
              Mouth corners moved: your left {feedback.mouthLeftMm.toFixed(0)} mm, your right {feedback.mouthRightMm.toFixed(0)} mm.
            </p>
            <p>
              Eyes closed: your left {Math.round(feedback.eyeClosureLeft * 100)} %, your right {Math.round(feedback.eyeClosureRight * 100)} %.
            </p>
            {feedback.synkinesisCue ? <p className="alert">Gently: keep your {affectedSide} eye open while you move your mouth.</p> : null}
            <button type="button" className="link-button" onClick={() => (rest.current = null)}>
              Relax and reset my resting position
            </button>
          </div>
        ) : (
          <p role="status">Starting the live feedback… relax your face for a moment.</p>
        )
      ) : null}
    </div>
  );
}

function PracticeLogForm({ today, minutes, done, fieldErrors }: { today: PracticeToday; minutes: number; done: string[]; fieldErrors?: Record<string, string> }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">Log this practice</h2>
      <p>Check the details, then save. Nothing is saved until you do.</p>
      <Form method="post">
        {today.sessionId ? <input type="hidden" name="sessionId" value={today.sessionId} /> : null}
        <fieldset>
          <legend>Exercises done</legend>
          {today.exercises.map((e) => (
            <label key={e.id} className="check">
              <input type="checkbox" name="itemIds" value={e.id} defaultChecked={done.includes(e.id)} /> {e.title}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="practice-minutes">Minutes</label>
          <input id="practice-minutes" name="minutes" type="number" min={1} max={180} defaultValue={minutes} inputMode="numeric" aria-invalid={fieldErrors?.minutes ? true : undefined} />
          {fieldErrors?.minutes ? (
            <span className="field-error" role="alert">
              {fieldErrors.minutes}
            </span>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={busy}>
          Save to my practice log
        </button>
      </Form>
    </section>
  );
}
