import { type MutableRefObject, useEffect, useRef, useState } from "react";
import { callTimer } from "../../../server/domain/call-window";
import type { CallConnectionState, CallTransport, ConnectionQuality, RemoteParticipant } from "../../../media/transport";
import { listDevices, loadPreferences, savePreferences } from "./devices";

interface CallViewProps {
  sessionId: string;
  myRole: "therapist" | "patient" | "guest_staff";
  otherName: string;
  endsAt: string;
  kindLabel: string;
  local: MediaStream | null;
  participants: RemoteParticipant[];
  state: CallConnectionState;
  quality: ConnectionQuality;
  waiting: { userId: string; name: string }[];
  transport: MutableRefObject<CallTransport | null>;
  onAdmit: (userId: string) => void;
  /** The therapist takes someone out of the call (back to the waiting room if they join again). */
  onRemove: (userId: string) => void;
  onAutoAdmit: (on: boolean) => void;
  onEnd: () => void;
  onLocalChange: (stream: MediaStream) => void;
}

const QUALITY_TEXT: Record<ConnectionQuality, string> = { good: "Good connection", fair: "Fair connection", poor: "Weak connection", lost: "Connection lost", unknown: "Connecting…" };

function Video({ stream, muted, className, label }: { stream: MediaStream | null; muted?: boolean; className?: string; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} className={className} aria-label={label} />;
}

function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

/** In the call: the other person large, self view (mirror optional), controls, timer, quality. */
export function CallView(props: CallViewProps) {
  const { local, participants, myRole, transport } = props;
  const prefs = loadPreferences();
  const [mirror, setMirror] = useState(prefs.mirror ?? myRole === "patient");
  const [microphone, setMicrophone] = useState(() => local?.getAudioTracks().some((t) => t.enabled) ?? true);
  const [camera, setCamera] = useState(() => local?.getVideoTracks().some((t) => t.enabled) ?? false);
  const [now, setNow] = useState(() => Date.now());
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [autoAdmit, setAutoAdmit] = useState(false);
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }>({ cameras: [], microphones: [] });
  const stage = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    void listDevices().then(setDevices, () => {});
    return () => clearInterval(t);
  }, []);

  const timer = callTimer(new Date(props.endsAt), new Date(now));
  const remote = participants[0];

  const toggleMicrophone = () => {
    transport.current?.setMicrophoneEnabled(!microphone);
    setMicrophone(!microphone);
  };
  const toggleCamera = async () => {
    if (!camera && !local?.getVideoTracks().length) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { deviceId: prefs.cameraId ? { ideal: prefs.cameraId } : undefined } });
      const [track] = stream.getVideoTracks();
      if (track) await transport.current?.replaceTrack(track);
      if (local) props.onLocalChange(new MediaStream(local.getTracks()));
    }
    transport.current?.setCameraEnabled(!camera);
    setCamera(!camera);
    savePreferences({ cameraOff: camera });
  };
  const switchDevice = async (kind: "camera" | "microphone", deviceId: string) => {
    const constraints = kind === "camera" ? { video: { deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId }, echoCancellation: true } };
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const track = stream.getTracks()[0];
    if (!track) return;
    await transport.current?.replaceTrack(track);
    savePreferences(kind === "camera" ? { cameraId: deviceId } : { microphoneId: deviceId });
    if (local) props.onLocalChange(new MediaStream(local.getTracks()));
  };

  return (
    <div className="call">
      <div className="call__bar" role="group" aria-label="Session status">
        <span className="badge">{props.kindLabel}</span>
        <span className={`call__quality call__quality--${props.quality}`} role="status" aria-live="polite">
          {props.state === "reconnecting" ? "Reconnecting…" : QUALITY_TEXT[props.quality]}
        </span>
        <span className="call__timer" aria-label="Time remaining">
          {timer.over ? "Scheduled time is over" : `${formatRemaining(timer.remainingMs)} left`}
        </span>
      </div>
      {timer.warn ? (
        <div className="alert alert--info" role="status">
          About 5 minutes left in this session.
        </div>
      ) : null}
      {myRole === "therapist" && props.waiting.length > 0 ? (
        <div className="alert alert--warn" role="status" aria-live="polite">
          {props.waiting.map((w) => (
            <p key={w.userId} className="waiting-line">
              <strong>{w.name}</strong> is waiting to join.{" "}
              <button type="button" className="button" onClick={() => props.onAdmit(w.userId)}>
                Admit {w.name}
              </button>
            </p>
          ))}
        </div>
      ) : null}
      <div className="call__stage" ref={stage}>
        {remote ? (
          <div className="call__remote">
            <Video stream={remote.stream} label={`Video of ${props.otherName}`} className="remote-video" />
            <div className="call__remote-state" aria-live="polite" data-testid="remote-state">
              {props.otherName}
              {!remote.microphone ? " · microphone off" : ""}
              {!remote.camera ? " · camera off" : ""}
            </div>
            {myRole === "therapist" ? (
              <button type="button" className="button button--secondary button--small call__remove" onClick={() => props.onRemove(remote.userId)}>
                Remove {props.otherName} from the call
              </button>
            ) : null}
          </div>
        ) : (
          <div className="video-placeholder call__remote" role="status">
            Waiting for {props.otherName} to join…
          </div>
        )}
        <div className="call__self">
          {camera && local ? <Video stream={local} muted label="Your own video" className={mirror ? "mirrored" : undefined} /> : <div className="video-placeholder">Your camera is off</div>}
        </div>
      </div>
      <div className="call__controls" role="toolbar" aria-label="Call controls">
        <button type="button" className="button button--secondary" aria-pressed={!microphone} onClick={toggleMicrophone}>
          {microphone ? "Mute microphone" : "Unmute microphone"}
        </button>
        <button type="button" className="button button--secondary" aria-pressed={!camera} onClick={() => void toggleCamera()}>
          {camera ? "Turn camera off" : "Turn camera on"}
        </button>
        <button
          type="button"
          className="button button--secondary"
          aria-pressed={mirror}
          onClick={() => {
            setMirror(!mirror);
            savePreferences({ mirror: !mirror });
          }}
        >
          {mirror ? "Show true image" : "Mirror my view"}
        </button>
        <button type="button" className="button button--secondary" onClick={() => void stage.current?.querySelector(".call__remote")?.requestFullscreen?.()} disabled={!remote}>
          Full screen
        </button>
        <label className="inline-select">
          <span>Camera</span>
          <select onChange={(e) => void switchDevice("camera", e.target.value)} defaultValue="">
            <option value="" disabled>
              Switch…
            </option>
            {devices.cameras.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-select">
          <span>Microphone</span>
          <select onChange={(e) => void switchDevice("microphone", e.target.value)} defaultValue="">
            <option value="" disabled>
              Switch…
            </option>
            {devices.microphones.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        {myRole === "therapist" ? (
          <>
            <span className="checkbox">
              <input
                id="auto-admit"
                type="checkbox"
                checked={autoAdmit}
                onChange={(e) => {
                  setAutoAdmit(e.target.checked);
                  props.onAutoAdmit(e.target.checked);
                }}
              />
              <label htmlFor="auto-admit">Admit the patient automatically</label>
            </span>
            {confirmEnd ? (
              <span className="confirm-end">
                End the session for everyone?{" "}
                <button type="button" className="button button--danger" onClick={props.onEnd}>
                  Yes, end session
                </button>{" "}
                <button type="button" className="button button--secondary" onClick={() => setConfirmEnd(false)}>
                  Keep going
                </button>
              </span>
            ) : (
              <button type="button" className="button button--danger" onClick={() => setConfirmEnd(true)}>
                End session
              </button>
            )}
          </>
        ) : null}
      </div>
    </div>
  );
}
