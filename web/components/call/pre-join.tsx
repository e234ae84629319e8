import { useCallback, useEffect, useRef, useState } from "react";
import { listDevices, loadPreferences, type MediaProblem, mediaProblemOf, openMedia, PROBLEM_TEXT, savePreferences } from "./devices";
import { LevelMeter } from "./level-meter";

export interface JoinChoice {
  stream: MediaStream;
  cameraOff: boolean;
}

/**
 * Camera and microphone check before joining: preview, device choice, level meter, clear help when
 * permission is denied or no device exists, and "join with camera off".
 */
export function PreJoin({ onJoin, busy, mirrorDefault }: { onJoin: (choice: JoinChoice) => void; busy: boolean; mirrorDefault: boolean }) {
  const prefs = useRef(loadPreferences());
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [cameraOff, setCameraOff] = useState(Boolean(prefs.current.cameraOff));
  const [cameraId, setCameraId] = useState(prefs.current.cameraId);
  const [microphoneId, setMicrophoneId] = useState(prefs.current.microphoneId);
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }>({ cameras: [], microphones: [] });
  const video = useRef<HTMLVideoElement>(null);
  const current = useRef<MediaStream | null>(null);

  const start = useCallback(async () => {
    setProblem(null);
    current.current?.getTracks().forEach((t) => t.stop());
    try {
      const s = await openMedia({ cameraId, microphoneId, camera: !cameraOff });
      current.current = s;
      setStream(s);
      setDevices(await listDevices());
    } catch (error) {
      current.current = null;
      setStream(null);
      setProblem(mediaProblemOf(error));
      setDevices(await listDevices().catch(() => ({ cameras: [], microphones: [] })));
    }
  }, [cameraId, microphoneId, cameraOff]);

  useEffect(() => {
    void start();
  }, [start]);
  useEffect(() => () => current.current?.getTracks().forEach((t) => t.stop()), []);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);

  const join = () => {
    if (!stream) return;
    savePreferences({ cameraId, microphoneId, cameraOff });
    current.current = null; // handed over to the call
    onJoin({ stream, cameraOff });
  };

  return (
    <section className="card prejoin" aria-labelledby="prejoin-title">
      <h2 id="prejoin-title">Check your camera and microphone</h2>
      <div className="prejoin__grid">
        <div className="prejoin__preview">
          {stream && !cameraOff ? (
            <video ref={video} autoPlay playsInline muted className={mirrorDefault ? "mirrored" : undefined} aria-label="Your camera preview" />
          ) : (
            <div className="video-placeholder">{cameraOff ? "Camera off" : "No camera picture yet"}</div>
          )}
        </div>
        <div>
          {problem ? (
            <div className="alert alert--error" role="alert">
              <p>{PROBLEM_TEXT[problem]}</p>
              <button type="button" className="button button--secondary" onClick={() => void start()}>
                Try again
              </button>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="camera-select">Camera</label>
            <select id="camera-select" value={cameraId ?? ""} onChange={(e) => setCameraId(e.target.value || undefined)} disabled={cameraOff}>
              <option value="">Default camera</option>
              {devices.cameras.map((d, i) => (
                <option key={d.deviceId || i} value={d.deviceId}>
                  {d.label || `Camera ${i + 1}`}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="microphone-select">Microphone</label>
            <select id="microphone-select" value={microphoneId ?? ""} onChange={(e) => setMicrophoneId(e.target.value || undefined)}>
              <option value="">Default microphone</option>
              {devices.microphones.map((d, i) => (
                <option key={d.deviceId || i} value={d.deviceId}>
                  {d.label || `Microphone ${i + 1}`}
                </option>
              ))}
            </select>
            <LevelMeter stream={stream} />
            <span className="hint">Say a few words: the bar should move.</span>
          </div>
          <div className="checkbox">
            <input id="camera-off" type="checkbox" checked={cameraOff} onChange={(e) => setCameraOff(e.target.checked)} />
            <label htmlFor="camera-off">Join with my camera off</label>
          </div>
          <button type="button" className="button" onClick={join} disabled={!stream || busy}>
            {busy ? "Joining…" : "Join the session"}
          </button>
        </div>
      </div>
    </section>
  );
}
