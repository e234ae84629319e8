import { type MutableRefObject, type ReactNode, useEffect, useRef, useState } from "react";
import { callTimer } from "../../../server/domain/call-window";
import type { CallConnectionState, CallTransport, ConnectionQuality, RemoteParticipant } from "../../../media/transport";
import { listDevices, loadPreferences, savePreferences } from "./devices";
import { Icon, type IconName } from "./icons";

export type RealtimeLink = "connected" | "reconnecting";

interface CallViewProps {
  sessionId: string;
  title: string;
  myRole: "therapist" | "patient" | "guest_staff";
  otherName: string;
  startsAt: string;
  endsAt: string;
  kindLabel: string;
  local: MediaStream | null;
  participants: RemoteParticipant[];
  state: CallConnectionState;
  quality: ConnectionQuality;
  link: RealtimeLink;
  waiting: { userId: string; name: string }[];
  transport: MutableRefObject<CallTransport | null>;
  /** A call action the server has not acknowledged (yet): shown until it is. */
  notice: string | null;
  /** The session's tools (whiteboard, homework, snapshot, …), in the side panel. */
  tools: ReactNode;
  boardOpen: boolean;
  onAdmit: (userId: string) => void;
  /** The therapist takes someone out of the call (back to the waiting room if they join again). */
  onRemove: (userId: string) => void;
  onAutoAdmit: (on: boolean) => void;
  onEnd: () => void;
  onLeave: () => void;
  onLocalChange: (stream: MediaStream) => void;
}

const QUALITY_TEXT: Record<ConnectionQuality, string> = { good: "Good connection", fair: "Fair connection", poor: "Weak connection", lost: "Connection lost", unknown: "Connecting…" };
/** A remote picture that decodes no new frame this long is "paused" (the decoder shows its last frame). */
export const STALL_AFTER_MS = 2_000;

function Video({ stream, muted, className, label }: { stream: MediaStream | null; muted?: boolean; className?: string; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} className={className} aria-label={label} />;
}

function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Is the remote picture moving? Polls the decoded-frame count; a camera that is off is not "paused". */
function useRemoteStalled(transport: MutableRefObject<CallTransport | null>, remote: RemoteParticipant | undefined): boolean {
  const [stalled, setStalled] = useState(false);
  const expectVideo = Boolean(remote && remote.camera && remote.stream?.getVideoTracks().length);
  useEffect(() => {
    if (!expectVideo) return setStalled(false);
    let last = -1;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      void transport.current?.stats().then((stats) => {
        const frames = stats.find((s) => s.connectionId === remote?.connectionId)?.framesDecoded ?? 0;
        if (frames !== last) {
          last = frames;
          lastChange = Date.now();
        }
        // Before the first frame the tile says "connecting" instead.
        setStalled(frames > 0 && Date.now() - lastChange >= STALL_AFTER_MS);
      }, () => {});
    }, 500);
    return () => clearInterval(timer);
  }, [transport, remote?.connectionId, expectVideo]);
  return stalled;
}

function ControlButton(props: { icon: IconName; label: string; name: string; onClick: () => void; pressed?: boolean; tone?: "danger" | "on"; disabled?: boolean; expanded?: boolean; controls?: string }) {
  return (
    <button
      type="button"
      className={`control${props.tone ? ` control--${props.tone}` : ""}`}
      aria-label={props.name}
      aria-pressed={props.pressed}
      aria-expanded={props.expanded}
      aria-controls={props.controls}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <Icon name={props.icon} />
      <span className="control__label">{props.label}</span>
    </button>
  );
}

/**
 * The room: the other person's face large, the self view small, the session's tools in a side panel
 * (a sheet under the video on a phone) that never covers or pushes away the face, and a bottom bar.
 * When the whiteboard takes the stage the faces become a column beside it.
 */
export function CallView(props: CallViewProps) {
  const { local, participants, myRole, transport } = props;
  const prefs = loadPreferences();
  const [mirror, setMirror] = useState(prefs.mirror ?? myRole === "patient");
  const [microphone, setMicrophone] = useState(() => local?.getAudioTracks().some((t) => t.enabled) ?? true);
  const [camera, setCamera] = useState(() => local?.getVideoTracks().some((t) => t.enabled) ?? false);
  const [sharing, setSharing] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [autoAdmit, setAutoAdmit] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }>({ cameras: [], microphones: [] });
  const remoteTile = useRef<HTMLDivElement>(null);
  const canShare = typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getDisplayMedia === "function" && myRole !== "patient";

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    // The room fills the window: the site's header and the page around it step aside.
    document.body.classList.add("in-call");
    return () => {
      clearInterval(t);
      document.body.classList.remove("in-call");
    };
  }, []);
  useEffect(() => {
    if (moreOpen) void listDevices().then(setDevices, () => {});
  }, [moreOpen]);

  const timer = callTimer(new Date(props.endsAt), new Date(now));
  const elapsedMs = now - new Date(props.startsAt).getTime();
  const remote = participants[0];
  const stalled = useRemoteStalled(transport, remote);
  const screen = participants.find((p) => p.screen)?.screen ?? null;

  const toggleMicrophone = () => {
    transport.current?.setMicrophoneEnabled(!microphone);
    setMicrophone(!microphone);
  };
  const toggleCamera = async () => {
    try {
      if (!camera && !local?.getVideoTracks().some((t) => t.readyState === "live")) {
        // Joined with the camera off: open it now and send it (the transport renegotiates or publishes).
        const stream = await navigator.mediaDevices.getUserMedia({ video: { deviceId: prefs.cameraId ? { ideal: prefs.cameraId } : undefined, width: { ideal: 640 }, height: { ideal: 480 } } });
        const [track] = stream.getVideoTracks();
        if (track) await transport.current?.replaceTrack(track);
        if (local) props.onLocalChange(new MediaStream(local.getTracks()));
      }
      transport.current?.setCameraEnabled(!camera);
      setCamera(!camera);
      savePreferences({ cameraOff: camera });
      setProblem(null);
    } catch {
      setProblem("The camera could not be started. Check that no other program uses it, then try again.");
    }
  };
  const toggleShare = async () => {
    if (sharing) {
      await transport.current?.shareScreen(null);
      setSharing(false);
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
      const [track] = stream.getVideoTracks();
      if (!track) return;
      // Stopped from the browser's own "Stop sharing" bar.
      track.addEventListener("ended", () => {
        void transport.current?.shareScreen(null);
        setSharing(false);
      });
      await transport.current?.shareScreen(track);
      setSharing(true);
      setProblem(null);
    } catch {
      setProblem("Screen sharing did not start (it was cancelled or is not allowed).");
    }
  };
  const switchDevice = async (kind: "camera" | "microphone", deviceId: string) => {
    const constraints = kind === "camera" ? { video: { deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId }, echoCancellation: true } };
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      const track = stream.getTracks()[0];
      if (!track) return;
      await transport.current?.replaceTrack(track);
      savePreferences(kind === "camera" ? { cameraId: deviceId } : { microphoneId: deviceId });
      if (local) props.onLocalChange(new MediaStream(local.getTracks()));
    } catch {
      setProblem(`That ${kind} could not be started.`);
    }
  };

  const mediaText = props.state === "reconnecting" ? "Video reconnecting…" : QUALITY_TEXT[props.quality];
  const mediaTone = props.state === "reconnecting" || props.quality === "lost" || props.quality === "poor" ? "bad" : props.quality === "fair" || props.quality === "unknown" ? "fair" : "good";
  const layout = props.boardOpen ? "board" : screen ? "screen" : "faces";

  return (
    <div className={`room room--${layout}`} data-testid="call-room">
      <div className="room__top">
        <h1 className="room__title">{props.title}</h1>
        <span className="room__status" role="status" aria-live="polite" data-testid="connection-status">
          <span className={`room__signal room__signal--${mediaTone} call__quality`} title="Video and sound between you">
            {mediaText}
          </span>
          <span className={`room__signal room__signal--${props.link === "connected" ? "good" : "bad"}`} title="The link to the clinic's server (whiteboard, homework, controls)">
            {props.link === "connected" ? "Server connected" : "Server reconnecting…"}
          </span>
        </span>
        <span className="room__time" data-testid="call-time">
          <span aria-label="Time elapsed">{clock(Math.max(0, elapsedMs))} elapsed</span>
          <span aria-label="Time remaining">{timer.over ? "Scheduled time is over" : `${clock(timer.remainingMs)} left`}</span>
        </span>
      </div>

      {timer.warn || problem || props.notice || (myRole === "therapist" && props.waiting.length > 0) ? (
        <div className="room__notices">
          {timer.warn ? (
            <p className="room__notice" role="status">
              About 5 minutes left in this session.
            </p>
          ) : null}
          {problem || props.notice ? (
            <p className="room__notice room__notice--problem" role="alert">
              {props.notice ?? problem}
            </p>
          ) : null}
          {myRole === "therapist"
            ? props.waiting.map((w) => (
                <p key={w.userId} className="room__notice" role="status">
                  <strong>{w.name}</strong> is waiting to join.{" "}
                  <button type="button" className="button button--small" onClick={() => props.onAdmit(w.userId)}>
                    Admit {w.name}
                  </button>
                </p>
              ))
            : null}
        </div>
      ) : null}

      <div className="room__body">
        <section className="room__stage" aria-label="Video">
          {screen ? (
            <div className="tile tile--screen">
              <Video stream={screen} label={`Screen shared by ${props.otherName}`} className="tile__video" />
            </div>
          ) : null}
          <div className="tile tile--remote" ref={remoteTile}>
            {remote ? (
              <>
                <Video stream={remote.stream} label={`Video of ${props.otherName}`} className="tile__video remote-video" />
                {!remote.camera ? (
                  <div className="tile__overlay tile__overlay--calm">{props.otherName}'s camera is off</div>
                ) : remote.away || stalled ? (
                  <div className="tile__overlay" role="status" data-testid="remote-paused">
                    {props.otherName}'s video paused — reconnecting…
                  </div>
                ) : null}
                <div className="tile__name" aria-live="polite" data-testid="remote-state">
                  {props.otherName}
                  {!remote.microphone ? " · microphone off" : ""}
                  {!remote.camera ? " · camera off" : ""}
                </div>
                {myRole === "therapist" ? (
                  <button type="button" className="button button--secondary button--small tile__remove" onClick={() => props.onRemove(remote.userId)}>
                    Remove {props.otherName} from the call
                  </button>
                ) : null}
              </>
            ) : (
              <div className="tile__overlay tile__overlay--calm" role="status">
                Waiting for {props.otherName} to join…
              </div>
            )}
          </div>
          <div className="tile tile--self">
            {camera && local?.getVideoTracks().length ? (
              <Video stream={local} muted label="Your own video" className={`tile__video${mirror ? " mirrored" : ""}`} />
            ) : (
              <div className="tile__overlay tile__overlay--calm">Your camera is off</div>
            )}
            {sharing ? <div className="tile__name">You are sharing your screen</div> : null}
          </div>
        </section>
        <aside className="room__side" aria-label="Session tools">
          {props.tools}
        </aside>
      </div>

      <div className="room__controls" role="toolbar" aria-label="Call controls">
        <ControlButton icon={microphone ? "mic" : "micOff"} label={microphone ? "Mute" : "Unmute"} name={microphone ? "Mute microphone" : "Unmute microphone"} tone={microphone ? undefined : "on"} onClick={toggleMicrophone} />
        <ControlButton icon={camera ? "camera" : "cameraOff"} label={camera ? "Camera off" : "Camera on"} name={camera ? "Turn camera off" : "Turn camera on"} tone={camera ? undefined : "on"} onClick={() => void toggleCamera()} />
        <ControlButton
          icon="mirror"
          label={mirror ? "True image" : "Mirror"}
          name={mirror ? "Show true image" : "Mirror my view"}
          onClick={() => {
            setMirror(!mirror);
            savePreferences({ mirror: !mirror });
          }}
        />
        {canShare ? <ControlButton icon="screen" label={sharing ? "Stop sharing" : "Share screen"} name={sharing ? "Stop sharing" : "Share screen"} tone={sharing ? "on" : undefined} onClick={() => void toggleShare()} /> : null}
        <div className="room__more">
          <ControlButton icon="more" label="More" name="More options" expanded={moreOpen} controls="call-more" onClick={() => setMoreOpen(!moreOpen)} />
          {moreOpen ? (
            <div className="popover" id="call-more" role="group" aria-label="More options">
              <div className="field">
                <label htmlFor="switch-camera">Camera</label>
                <select id="switch-camera" onChange={(e) => void switchDevice("camera", e.target.value)} defaultValue="">
                  <option value="" disabled>
                    Switch…
                  </option>
                  {devices.cameras.map((d, i) => (
                    <option key={d.deviceId || i} value={d.deviceId}>
                      {d.label || `Camera ${i + 1}`}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="switch-microphone">Microphone</label>
                <select id="switch-microphone" onChange={(e) => void switchDevice("microphone", e.target.value)} defaultValue="">
                  <option value="" disabled>
                    Switch…
                  </option>
                  {devices.microphones.map((d, i) => (
                    <option key={d.deviceId || i} value={d.deviceId}>
                      {d.label || `Microphone ${i + 1}`}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" className="button button--secondary" onClick={() => void remoteTile.current?.requestFullscreen?.()} disabled={!remote}>
                Full screen
              </button>
              {myRole === "therapist" ? (
                <div className="checkbox">
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
                </div>
              ) : null}
            </div>
          ) : null}
        </div>
        {myRole === "therapist" ? (
          confirmEnd ? (
            <span className="room__confirm" role="group" aria-label="End the session for everyone?">
              <span className="room__confirm-text">End for everyone?</span>
              <button type="button" className="button button--danger" onClick={props.onEnd}>
                Yes, end session
              </button>
              <button type="button" className="button button--secondary" onClick={() => setConfirmEnd(false)}>
                Keep going
              </button>
            </span>
          ) : (
            <ControlButton icon="end" label="End session" name="End session" tone="danger" onClick={() => setConfirmEnd(true)} />
          )
        ) : (
          <ControlButton icon="leave" label="Leave" name="Leave" tone="danger" onClick={props.onLeave} />
        )}
      </div>
    </div>
  );
}
