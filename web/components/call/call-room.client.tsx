import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import type { CallConnectionState, CallTransport, ConnectionQuality, RemoteParticipant } from "../../../media/transport";
import { connectSocket } from "../realtime-client";
import { PeerCall } from "../../../media/p2p/peer-call";
import { emitAcknowledged } from "./acknowledged";
import { CallPanels } from "./call-panels";
import { CallView, type RealtimeLink } from "./call-view";
import { loadPreferences, openMedia } from "./devices";
import { type JoinChoice, PreJoin } from "./pre-join";
import { socketSignalling } from "./socket-signalling";

export interface CallRoomProps {
  sessionId: string;
  /** The page's heading, repeated in the full-window room (the page's own is hidden then). */
  title: string;
  myRole: "therapist" | "patient" | "guest_staff";
  myName: string;
  otherName: string;
  startsAt: string;
  endsAt: string;
  kindLabel: string;
  timeZone: string;
  /** More for the side panel (the therapist's view of the patient's homework practice). */
  extraTools?: ReactNode;
}

type Phase = { name: "prejoin" } | { name: "joining" } | { name: "waiting" } | { name: "in-call" } | { name: "left" } | { name: "removed" } | { name: "ended" } | { name: "error"; message: string };

interface JoinAck {
  ok: boolean;
  error?: string;
  message?: string;
  data?: {
    state: "waiting" | "joined";
    connectionId: string;
    iceServers: RTCIceServer[];
    peers: { connectionId: string; userId: string }[];
    waiting: { userId: string; name: string }[];
    livekit?: { serverUrl: string; participantToken: string };
  };
}

/** One random id per page load: a reconnecting socket keeps it; a reload gets a new one. */
const PEER_ID = Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 8);
const rejoinKey = (sessionId: string) => `call-joined:${sessionId}`;
const HEARTBEAT_MS = 60_000;
const SESSION_KEEPALIVE_MS = 4 * 60_000;

/**
 * The call: pre-join check → (waiting room) → in the call → ended. Works the same over both
 * transports; which one runs is decided by the server's join answer.
 */
export default function CallRoom(props: CallRoomProps) {
  const { sessionId, myRole } = props;
  const [phase, setPhase] = useState<Phase>({ name: "prejoin" });
  const phaseRef = useRef<Phase["name"]>("prejoin");
  phaseRef.current = phase.name;
  const [participants, setParticipants] = useState<RemoteParticipant[]>([]);
  const [state, setState] = useState<CallConnectionState>("connecting");
  const [quality, setQuality] = useState<ConnectionQuality>("unknown");
  const [waiting, setWaiting] = useState<{ userId: string; name: string }[]>([]);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [link, setLink] = useState<RealtimeLink>("connected");
  const [notice, setNotice] = useState<string | null>(null);
  const [boardOpen, setBoardOpen] = useState(false);
  const inCall = useRef(false);
  const socket = useRef<Socket | null>(null);
  const transport = useRef<CallTransport | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  const autoJoin = useMemo(() => typeof sessionStorage !== "undefined" && sessionStorage.getItem(rejoinKey(sessionId)) === "1", [sessionId]);

  const finish = useCallback(
    (next: "ended" | "left" | "removed" = "ended") => {
      inCall.current = false;
      transport.current?.close();
      transport.current = null;
      localRef.current?.getTracks().forEach((t) => t.stop());
      localRef.current = null;
      setLocal(null);
      setNotice(null);
      sessionStorage.removeItem(rejoinKey(sessionId));
      setPhase(next === "ended" ? { name: "ended" } : next === "left" ? { name: "left" } : { name: "removed" });
    },
    [sessionId],
  );

  const startTransport = useCallback(
    async (ack: NonNullable<JoinAck["data"]>, stream: MediaStream) => {
      if (transport.current) {
        // A socket reconnect: the call goes on; tell the transport who is there now.
        transport.current.addPeers?.(ack.peers);
        return;
      }
      let t: CallTransport;
      if (ack.livekit) {
        const { LiveKitTransport } = await import("../../../media/livekit/client-transport");
        t = new LiveKitTransport(ack.livekit.serverUrl, ack.livekit.participantToken);
      } else {
        t = new PeerCall({ connectionId: ack.connectionId }, socketSignalling(socket.current!, sessionId), ack.iceServers, ack.peers);
      }
      transport.current = t;
      (window as unknown as { __call?: CallTransport }).__call = t;
      t.on("participants", setParticipants);
      t.on("state", setState);
      t.on("quality", setQuality);
      await t.start(stream);
    },
    [sessionId],
  );

  const join = useCallback(
    async (stream: MediaStream) => {
      const s = socket.current ?? connectSocket();
      socket.current = s;
      if (!s.connected) await new Promise<void>((resolve) => s.once("connect", () => resolve()));
      const ack = (await s.emitWithAck("call:join", { sessionId, peerId: PEER_ID })) as JoinAck;
      if (!ack.ok || !ack.data) {
        if (ack.error === "CALL_ENDED") return finish("ended");
        setPhase({ name: "error", message: ack.message ?? "The call could not be joined." });
        return;
      }
      if (ack.data.state === "waiting") {
        setPhase({ name: "waiting" });
        return;
      }
      setWaiting(ack.data.waiting ?? []);
      inCall.current = true;
      sessionStorage.setItem(rejoinKey(sessionId), "1");
      setPhase({ name: "in-call" });
      await startTransport(ack.data, stream);
    },
    [sessionId, startTransport, finish],
  );

  const onJoin = useCallback(
    (choice: JoinChoice) => {
      for (const t of choice.stream.getVideoTracks()) t.enabled = !choice.cameraOff;
      localRef.current = choice.stream;
      setLocal(choice.stream);
      setPhase({ name: "joining" });
      void join(choice.stream);
    },
    [join],
  );

  // Socket-level events of this call.
  useEffect(() => {
    const s = connectSocket();
    socket.current = s;
    const onAdmitted = (m: { sessionId: string }) => m.sessionId === sessionId && localRef.current && void join(localRef.current);
    const onEnded = (m: { sessionId: string }) => m.sessionId === sessionId && finish("ended");
    const onRemoved = (m: { sessionId: string }) => m.sessionId === sessionId && finish("removed");
    const onWaiting = (w: { userId: string; name: string }) => setWaiting((list) => (list.some((x) => x.userId === w.userId) ? list : [...list, w]));
    // After a network drop or a server restart the socket reconnects: join again with the same peer id.
    let dropped = false;
    const onConnect = () => {
      setLink("connected");
      if (dropped && localRef.current && (inCall.current || phaseRef.current === "waiting")) void join(localRef.current);
      dropped = false;
    };
    const onDisconnect = (reason: string) => {
      dropped = true;
      setLink("reconnecting");
      // A server that sent us away on purpose (an older one shutting down) is not retried by socket.io itself.
      if (reason === "io server disconnect") setTimeout(() => s.connect(), 500 + Math.random() * 1000);
    };
    s.on("call:admitted", onAdmitted);
    s.on("call:ended", onEnded);
    s.on("call:removed", onRemoved);
    s.on("call:waiting", onWaiting);
    s.on("connect", onConnect);
    s.on("disconnect", onDisconnect);
    const heartbeat = setInterval(() => transport.current && s.emit("client:heartbeat", { activity: "call" }), HEARTBEAT_MS);
    // A 90-minute call makes no page requests: keep the 30-minute idle session (and its cookie) alive.
    const keepAlive = setInterval(() => transport.current && void fetch("/api/me", { credentials: "same-origin" }).catch(() => {}), SESSION_KEEPALIVE_MS);
    return () => {
      s.off("call:admitted", onAdmitted);
      s.off("call:ended", onEnded);
      s.off("call:removed", onRemoved);
      s.off("call:waiting", onWaiting);
      s.off("connect", onConnect);
      s.off("disconnect", onDisconnect);
      clearInterval(heartbeat);
      clearInterval(keepAlive);
    };
  }, [sessionId, join, finish]);

  useEffect(
    () => () => {
      transport.current?.close();
      localRef.current?.getTracks().forEach((t) => t.stop());
    },
    [],
  );

  // Every call action is retried until the server acknowledges it, and says so meanwhile.
  const act = (event: string, payload: object, what: string) =>
    emitAcknowledged(socket.current!, event, { sessionId, ...payload }, { what, onProblem: setNotice, stillWanted: () => inCall.current });
  const admit = (userId: string) => {
    setWaiting((list) => list.filter((w) => w.userId !== userId));
    void act("call:admit", { userId }, "let the patient in");
  };
  const remove = (userId: string) => void act("call:remove", { userId }, "take them out of the call");
  const setAutoAdmit = (autoAdmit: boolean) => void act("call:auto-admit", { autoAdmit }, "change automatic admission");
  const endSession = async () => {
    const ack = await act("call:end", {}, "end the session");
    if (ack.ok || ack.error === "CALL_ENDED") finish("ended");
  };
  const leave = async () => {
    await act("call:leave", {}, "leave the call");
    finish("left");
  };

  if (phase.name === "ended") {
    return (
      <section className="card call-ended" aria-live="polite">
        <h2>The session has ended</h2>
        <p>Thank you. {myRole === "patient" ? "Your homework and next steps will appear on your home page." : "Attendance has been recorded."}</p>
        <p>
          <a href={`/${myRole === "patient" ? "patient" : "therapist"}`}>Back to my home page</a>
        </p>
      </section>
    );
  }
  if (phase.name === "left") {
    return (
      <section className="card call-ended" aria-live="polite">
        <h2>You have left the session</h2>
        <p>{props.otherName} can still see that you were there. You can come back while the session is on.</p>
        <p>
          <button type="button" className="button" onClick={() => setPhase({ name: "prejoin" })}>
            Rejoin the session
          </button>{" "}
          <a href={`/${myRole === "patient" ? "patient" : "therapist"}`}>Back to my home page</a>
        </p>
      </section>
    );
  }
  if (phase.name === "removed") {
    return (
      <section className="card call-ended" aria-live="polite">
        <h2>You have left the call</h2>
        <p>{props.otherName} has taken you out of this call. To come back, reload this page and wait to be let in.</p>
      </section>
    );
  }
  if (phase.name === "error") {
    return (
      <div className="alert alert--error" role="alert">
        {phase.message}
      </div>
    );
  }
  if (phase.name === "waiting") {
    return (
      <section className="card waiting-room" aria-live="polite">
        <h2>Welcome — you are in the waiting room</h2>
        <p>{props.otherName} will let you in shortly. You do not need to do anything: the call starts by itself.</p>
        <p className="muted">Take a moment to sit comfortably, facing the light.</p>
      </section>
    );
  }
  if (phase.name === "prejoin" || (phase.name === "joining" && !local)) {
    return (
      <>
        <AutoOrPreJoin autoJoin={autoJoin} onJoin={onJoin} busy={phase.name === "joining"} mirrorDefault={myRole === "patient"} />
        {props.extraTools}
      </>
    );
  }
  return (
    <CallView
      {...props}
      local={local}
      participants={participants}
      state={phase.name === "joining" ? "connecting" : state}
      quality={quality}
      link={link}
      waiting={waiting}
      transport={transport}
      notice={notice}
      boardOpen={boardOpen}
      tools={socket.current && phase.name === "in-call" ? <CallPanels sessionId={sessionId} myRole={myRole} socket={socket.current} onBoardOpen={setBoardOpen} extra={props.extraTools} /> : null}
      onAdmit={admit}
      onRemove={remove}
      onAutoAdmit={setAutoAdmit}
      onEnd={() => void endSession()}
      onLeave={() => void leave()}
      onLocalChange={(s) => {
        localRef.current = s;
        setLocal(s);
      }}
    />
  );
}

/** After a reload during a call, rejoin at once with the remembered devices (no clicks needed). */
function AutoOrPreJoin({ autoJoin, onJoin, busy, mirrorDefault }: { autoJoin: boolean; onJoin: (c: JoinChoice) => void; busy: boolean; mirrorDefault: boolean }) {
  const [failed, setFailed] = useState(false);
  const started = useRef(false);
  useEffect(() => {
    if (!autoJoin || started.current) return;
    started.current = true;
    void (async () => {
      const prefs = loadPreferences();
      try {
        const stream = await openMedia({ cameraId: prefs.cameraId, microphoneId: prefs.microphoneId, camera: !prefs.cameraOff });
        onJoin({ stream, cameraOff: Boolean(prefs.cameraOff) });
      } catch {
        setFailed(true);
      }
    })();
  }, [autoJoin, onJoin]);
  if (autoJoin && !failed) return <p className="card" role="status">Reconnecting you to the session…</p>;
  return <PreJoin onJoin={onJoin} busy={busy} mirrorDefault={mirrorDefault} />;
}
