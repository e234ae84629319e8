import { fromRebuiltConnection, carriesMedia, LEAVE_GRACE_MS, sdpSessionId } from "./link-rules";
import { initialWatch, MEDIA_WATCH_INTERVAL_MS, type MediaWatch, watchMedia } from "./media-watchdog";
import { type CallConnectionState, type CallStats, type CallTransport, type CallTransportEvents, Emitter, qualityFrom, type RemoteParticipant } from "../transport";

/** What the peer-to-peer call needs from signalling (our socket.io): addressed messages and presence. */
export interface Signalling {
  send(to: string, data: SignalData): void;
  sendMediaState(state: { microphone: boolean; camera: boolean }): void;
  onSignal(listener: (from: string, data: SignalData) => void): () => void;
  onPeerJoined(listener: (peer: { connectionId: string; userId: string }) => void): () => void;
  /** `left`: they pressed Leave (or the call ended for them); otherwise their socket dropped and may come back. */
  onPeerLeft(listener: (peer: { connectionId: string; userId: string; left?: boolean }) => void): () => void;
  onMediaState(listener: (state: { connectionId: string; microphone: boolean; camera: boolean }) => void): () => void;
}

export type SignalData = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit | null };

/** ICE is given this long in "disconnected" before we restart it ourselves. */
export const ICE_DISCONNECTED_RESTART_MS = 2_000;
export const STATS_INTERVAL_MS = 2_000;

interface Link {
  peer: { connectionId: string; userId: string };
  pc: RTCPeerConnection;
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  /** Remote tracks by the id of the stream they came in: the one with the audio is the camera's. */
  remoteStreams: Map<string, MediaStream>;
  stream: MediaStream | null;
  screen: MediaStream | null;
  microphone: boolean;
  camera: boolean;
  away: boolean;
  restartTimer?: ReturnType<typeof setTimeout>;
  graceTimer?: ReturnType<typeof setTimeout>;
  watch: MediaWatch;
  pendingCandidates: RTCIceCandidateInit[];
  tracksAdded: boolean;
}

/**
 * Browser-to-browser call, one RTCPeerConnection per other participant, negotiated with the "perfect
 * negotiation" pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): each side may
 * offer at any time, the polite side yields on a collision, so reconnects and ICE restarts need no
 * choreography. Politeness is decided by comparing connection ids, the same on both sides.
 */
export class PeerCall implements CallTransport {
  readonly kind = "p2p" as const;
  private links = new Map<string, Link>();
  private local: MediaStream | null = null;
  private events = new Emitter<CallTransportEvents>();
  private unsubscribe: (() => void)[] = [];
  private statsTimer?: ReturnType<typeof setInterval>;
  private watchTimer?: ReturnType<typeof setInterval>;
  private microphone = true;
  private camera = true;
  private screen: MediaStream | null = null;
  private closed = false;

  constructor(
    private readonly self: { connectionId: string },
    private readonly signalling: Signalling,
    private readonly iceServers: RTCIceServer[],
    initialPeers: { connectionId: string; userId: string }[],
  ) {
    this.initialPeers = initialPeers;
  }
  private initialPeers: { connectionId: string; userId: string }[];

  on<K extends keyof CallTransportEvents>(event: K, listener: CallTransportEvents[K]) {
    return this.events.on(event, listener);
  }

  async start(local: MediaStream): Promise<void> {
    this.local = local;
    this.microphone = local.getAudioTracks().some((t) => t.enabled);
    this.camera = local.getVideoTracks().some((t) => t.enabled);
    this.unsubscribe.push(
      this.signalling.onSignal((from, data) => void this.handleSignal(from, data)),
      this.signalling.onPeerJoined((peer) => this.addPeer(peer, { offer: false })),
      this.signalling.onPeerLeft((peer) => (peer.left ? this.removePeer(peer.connectionId) : this.peerAway(peer.connectionId))),
      this.signalling.onMediaState((state) => {
        // Kept even before the link exists: the newcomer announces its state before its offer arrives.
        this.mediaStates.set(state.connectionId, { microphone: state.microphone, camera: state.camera });
        const link = this.links.get(state.connectionId);
        if (!link) return;
        link.microphone = state.microphone;
        link.camera = state.camera;
        this.publishParticipants();
      }),
    );
    this.events.emit("state", "connecting");
    for (const peer of this.initialPeers) this.addPeer(peer, { offer: true });
    this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
    this.statsTimer = setInterval(() => void this.sampleQuality(), STATS_INTERVAL_MS);
    this.watchTimer = setInterval(() => void this.watchLinks(), MEDIA_WATCH_INTERVAL_MS);
  }

  /**
   * Peers known from our re-join after the socket came back: a link still carrying media is kept; any
   * other is rebuilt with a fresh offer (the other side recognises the new connection and follows).
   */
  addPeers(peers: { connectionId: string; userId: string }[]): void {
    for (const peer of peers) {
      const link = this.links.get(peer.connectionId);
      if (link && !carriesMedia({ connectionState: link.pc.connectionState, stalled: link.watch.stalled, receivedAny: link.watch.packets > 0 })) {
        this.dropLink(link);
      }
      this.addPeer(peer, { offer: true });
    }
  }

  /**
   * Their socket dropped: keep the link (media may well still flow) and the tile, for a while; then drop
   * it unless media still flows. The server may report an old socket's drop only after the same tab
   * has re-joined on a new one (it notices a dead socket late), so a link carrying media is never dropped.
   */
  private peerAway(connectionId: string): void {
    const link = this.links.get(connectionId);
    if (!link) return;
    const carrying = () => carriesMedia({ connectionState: link.pc.connectionState, stalled: link.watch.stalled, receivedAny: link.watch.packets > 0 });
    link.away = !carrying();
    clearTimeout(link.graceTimer);
    link.graceTimer = setTimeout(() => {
      if (!carrying()) return this.removePeer(connectionId);
      link.away = false;
      this.publishParticipants();
    }, LEAVE_GRACE_MS);
    this.publishParticipants();
  }

  /** A new or returning participant. A second connection of the same user replaces the first (a reload). */
  private addPeer(peer: { connectionId: string; userId: string }, options: { offer: boolean }): void {
    if (this.closed || peer.connectionId === this.self.connectionId) return;
    const existing = this.links.get(peer.connectionId);
    if (existing && existing.pc.connectionState !== "failed" && existing.pc.connectionState !== "closed") {
      // Same tab rejoined after a socket reconnect: the media path may still be fine; tell it our state,
      // and repeat an offer it may have missed while its socket was down.
      clearTimeout(existing.graceTimer);
      existing.away = false;
      if (existing.pc.signalingState === "have-local-offer" && existing.pc.localDescription) {
        this.signalling.send(peer.connectionId, { description: existing.pc.localDescription.toJSON() });
      }
      this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
      this.publishParticipants();
      return;
    }
    if (existing) this.dropLink(existing);
    for (const link of this.links.values()) if (link.peer.userId === peer.userId) this.removePeer(link.peer.connectionId);
    // The newcomer offers to everyone already there; we answer when its offer arrives. Offering from
    // both sides at once would cost a collision and a rollback on every join.
    if (options.offer) this.createLink(peer, true);
    this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
  }

  private createLink(peer: { connectionId: string; userId: string }, withTracks: boolean): Link {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const link: Link = {
      peer,
      pc,
      polite: this.self.connectionId < peer.connectionId,
      makingOffer: false,
      ignoreOffer: false,
      remoteStreams: new Map(),
      stream: null,
      screen: null,
      microphone: this.mediaStates.get(peer.connectionId)?.microphone ?? true,
      camera: this.mediaStates.get(peer.connectionId)?.camera ?? true,
      away: false,
      pendingCandidates: [],
      tracksAdded: false,
      watch: initialWatch(Date.now()),
    };
    this.links.set(peer.connectionId, link);
    if (withTracks) this.addLocalTracks(link);
    pc.onnegotiationneeded = async () => {
      try {
        link.makingOffer = true;
        await pc.setLocalDescription();
        this.signalling.send(peer.connectionId, { description: pc.localDescription!.toJSON() });
      } catch {
        // A failed offer is retried by the next negotiationneeded or ICE restart.
      } finally {
        link.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => this.signalling.send(peer.connectionId, { candidate: candidate ? candidate.toJSON() : null });
    pc.ontrack = ({ streams, track }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      link.remoteStreams.set(stream.id, stream);
      stream.onremovetrack = () => this.sortRemoteStreams(link);
      stream.onaddtrack = () => this.sortRemoteStreams(link);
      track.onunmute = () => this.sortRemoteStreams(link);
      this.sortRemoteStreams(link);
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      clearTimeout(link.restartTimer);
      if (state === "failed") pc.restartIce();
      else if (state === "disconnected") link.restartTimer = setTimeout(() => pc.iceConnectionState === "disconnected" && pc.restartIce(), ICE_DISCONNECTED_RESTART_MS);
      this.publishState();
    };
    pc.onconnectionstatechange = () => this.publishState();
    this.publishParticipants();
    return link;
  }

  /** Every few hundred ms: has the other browser's media stopped arriving, or come back? */
  private async watchLinks(): Promise<void> {
    for (const link of [...this.links.values()]) {
      let packets = 0;
      const report = await link.pc.getStats().catch(() => null);
      report?.forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp") packets += Number(s.packetsReceived ?? 0);
      });
      const { watch, action } = watchMedia(link.watch, packets, Date.now());
      link.watch = watch;
      if (action) await this.setVideoActive(link, action === "resume-video");
    }
  }

  /**
   * Pauses or resumes our video encodings to one peer. Resuming restarts the encoder, so the first
   * frame the other side gets is a key frame: its picture is back as soon as the network is (without
   * it, the receiver first spends a second or two asking for the packets lost in the outage, then for
   * a key frame). Pausing and resuming an encoding is the only way a page can get a key frame sent.
   */
  private async setVideoActive(link: Link, active: boolean): Promise<void> {
    for (const sender of link.pc.getSenders()) {
      if (sender.track?.kind !== "video") continue;
      const parameters = sender.getParameters();
      if (!parameters.encodings?.length) continue;
      await sender.setParameters({ ...parameters, encodings: parameters.encodings.map((e) => ({ ...e, active })) }).catch(() => {
        // Closed or renegotiating meanwhile: the receiver's own key frame request recovers.
      });
    }
  }

  private addLocalTracks(link: Link): void {
    link.tracksAdded = true;
    for (const track of this.local?.getTracks() ?? []) link.pc.addTrack(track, this.local!);
    const screenTrack = this.screen?.getVideoTracks()[0];
    if (screenTrack) this.screenSenders.set(link, link.pc.addTransceiver(screenTrack, { direction: "sendonly", streams: [this.screen!] }).sender);
  }

  /**
   * Which remote stream is the face and which a shared screen: the camera travels in the stream that also
   * carries the microphone; a screen comes in a stream of its own. Video elements get a new MediaStream
   * when the set of tracks changes (a track added to a playing stream is not always picked up).
   */
  private sortRemoteStreams(link: Link): void {
    const streams = [...link.remoteStreams.values()];
    const main = streams.find((s) => s.getAudioTracks().length > 0) ?? streams.find((s) => s.getTracks().length > 0) ?? null;
    const screen = streams.find((s) => s !== main && s.getVideoTracks().some((t) => t.readyState === "live")) ?? null;
    const same = (a: MediaStream | null, b: MediaStream | null) => (a?.getTracks().map((t) => t.id).join() ?? "") === (b?.getTracks().map((t) => t.id).join() ?? "");
    if (!same(link.stream, main)) link.stream = main && new MediaStream(main.getTracks());
    if (!same(link.screen, screen)) link.screen = screen && new MediaStream(screen.getVideoTracks());
    this.publishParticipants();
  }

  /** Closes a link without telling the UI the peer is gone (it is being rebuilt). */
  private dropLink(link: Link): void {
    // The other side may still send offers of the old connection (one made while we were away): ignored.
    const remoteSession = sdpSessionId(link.pc.remoteDescription?.sdp);
    if (remoteSession) this.staleSessions.add(remoteSession);
    clearTimeout(link.restartTimer);
    clearTimeout(link.graceTimer);
    link.pc.close();
    if (this.links.get(link.peer.connectionId) === link) this.links.delete(link.peer.connectionId);
  }

  private async handleSignal(from: string, data: SignalData): Promise<void> {
    if (this.closed) return;
    let link = this.links.get(from);
    if (!link) {
      // An offer from a peer we have not heard of yet (its join event may still be on the way).
      if (!("description" in data) || data.description.type !== "offer") return;
      link = this.createLink({ connectionId: from, userId: from.split(".")[0] ?? from }, false);
    }
    if ("description" in data && this.staleSessions.has(sdpSessionId(data.description.sdp) ?? "")) return;
    if ("description" in data && data.description.type === "offer" && fromRebuiltConnection(link.pc.remoteDescription?.sdp, data.description.sdp)) {
      // The other browser rebuilt its connection (it re-joined after a drop): start afresh here too.
      const { peer } = link;
      this.dropLink(link);
      link = this.createLink(peer, false);
    }
    const { pc } = link;
    try {
      if ("description" in data) {
        const description = data.description;
        const collision = description.type === "offer" && (link.makingOffer || pc.signalingState !== "stable");
        link.ignoreOffer = !link.polite && collision;
        if (link.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        for (const candidate of link.pendingCandidates.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
        if (description.type === "offer") {
          // Tracks join the offered transceivers, so the answer sends media at once.
          if (!link.tracksAdded) this.addLocalTracks(link);
          await pc.setLocalDescription();
          this.signalling.send(from, { description: pc.localDescription!.toJSON() });
        }
      } else if (data.candidate) {
        if (!pc.remoteDescription) link.pendingCandidates.push(data.candidate);
        else await pc.addIceCandidate(data.candidate).catch((error) => {
          if (!link!.ignoreOffer) throw error;
        });
      }
    } catch {
      // A signalling message that no longer applies (e.g. after a restart); the next offer recovers.
    }
  }

  private removePeer(connectionId: string): void {
    const link = this.links.get(connectionId);
    if (!link) return;
    clearTimeout(link.restartTimer);
    clearTimeout(link.graceTimer);
    link.pc.close();
    this.links.delete(connectionId);
    this.publishParticipants();
    this.publishState();
  }

  private publishParticipants(): void {
    const participants: RemoteParticipant[] = [...this.links.values()].map((l) => ({
      connectionId: l.peer.connectionId,
      userId: l.peer.userId,
      stream: l.stream,
      screen: l.screen,
      microphone: l.microphone,
      camera: l.camera,
      away: l.away,
    }));
    this.events.emit("participants", participants);
  }

  private publishState(): void {
    const states = [...this.links.values()].map((l) => l.pc.connectionState);
    let state: CallConnectionState = "connecting";
    if (states.some((s) => s === "connected")) state = "connected";
    else if (states.some((s) => s === "disconnected" || s === "failed")) state = "reconnecting";
    this.events.emit("state", state);
  }

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    if (!this.local) return;
    const old = this.local.getTracks().find((t) => t.kind === track.kind);
    if (old) {
      this.local.removeTrack(old);
      old.stop();
    }
    this.local.addTrack(track);
    track.enabled = track.kind === "audio" ? this.microphone : this.camera;
    for (const link of this.links.values()) {
      const transceiver = this.deviceTransceiver(link, track.kind);
      if (!transceiver) {
        link.pc.addTrack(track, this.local);
        continue;
      }
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams(this.local);
      // A transceiver the other side offered while we had no camera only receives: make it send too
      // (this renegotiates; without it a camera turned on after joining is never sent).
      if (transceiver.direction === "recvonly") transceiver.direction = "sendrecv";
      else if (transceiver.direction === "inactive") transceiver.direction = "sendonly";
    }
  }

  /**
   * The transceiver carrying (or to carry) our microphone or camera: the one already sending a track of
   * this kind, else the first of this kind that sends nothing and is not our screen's.
   */
  private deviceTransceiver(link: Link, kind: string): RTCRtpTransceiver | undefined {
    const screenTrack = this.screen?.getVideoTracks()[0];
    const candidates = link.pc
      .getTransceivers()
      .filter((t) => t.direction !== "stopped" && t.receiver.track.kind === kind && t.sender !== this.screenSenders.get(link) && (!screenTrack || t.sender.track !== screenTrack));
    return candidates.find((t) => t.sender.track) ?? candidates.find((t) => !t.sender.track);
  }

  private screenSenders = new WeakMap<Link, RTCRtpSender>();
  private mediaStates = new Map<string, { microphone: boolean; camera: boolean }>();
  private staleSessions = new Set<string>();

  /** Shares a window or tab beside the camera (its own stream, so the other side can tell them apart); `null` stops. */
  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    this.screen?.getTracks().forEach((t) => t !== track && t.stop());
    this.screen = track ? new MediaStream([track]) : null;
    for (const link of this.links.values()) {
      const sender = this.screenSenders.get(link);
      const transceiver = sender && link.pc.getTransceivers().find((t) => t.sender === sender);
      if (!track) {
        if (!transceiver) continue;
        await sender!.replaceTrack(null);
        // Inactive: the other side's screen track ends and its tile goes away.
        transceiver.direction = "inactive";
        continue;
      }
      if (transceiver && transceiver.direction !== "stopped") {
        await transceiver.sender.replaceTrack(track);
        transceiver.sender.setStreams(this.screen!);
        transceiver.direction = "sendonly";
      } else {
        const added = link.pc.addTransceiver(track, { direction: "sendonly", streams: [this.screen!] });
        this.screenSenders.set(link, added.sender);
      }
    }
  }

  setMicrophoneEnabled(enabled: boolean): void {
    this.microphone = enabled;
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = enabled;
    this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
  }

  setCameraEnabled(enabled: boolean): void {
    this.camera = enabled;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = enabled;
    this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
  }

  async stats() {
    const out: CallStats[] = [];
    for (const link of this.links.values()) {
      let framesDecoded = 0;
      let audioPacketsReceived = 0;
      let packetsLost = 0;
      let roundTripMs: number | null = null;
      const report = await link.pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "video") framesDecoded += Number(s.framesDecoded ?? 0);
        if (s.type === "inbound-rtp" && s.kind === "audio") audioPacketsReceived += Number(s.packetsReceived ?? 0);
        if (s.type === "inbound-rtp") packetsLost += Number(s.packetsLost ?? 0);
        if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number") roundTripMs = s.currentRoundTripTime * 1000;
      });
      out.push({ connectionId: link.peer.connectionId, framesDecoded, audioPacketsReceived, packetsLost, roundTripMs });
    }
    return out;
  }

  private lastSample = new Map<string, { frames: number; lost: number }>();
  private async sampleQuality(): Promise<void> {
    if (this.links.size === 0) return this.events.emit("quality", "unknown");
    const samples = await this.stats();
    let worst: ReturnType<typeof qualityFrom> = "good";
    const order = ["good", "fair", "poor", "lost"];
    for (const s of samples) {
      const last = this.lastSample.get(s.connectionId) ?? { frames: 0, lost: 0 };
      const receiving = s.framesDecoded > last.frames || !(this.links.get(s.connectionId)?.camera ?? true);
      const lostRatio = Math.max(0, s.packetsLost - last.lost) / 100;
      this.lastSample.set(s.connectionId, { frames: s.framesDecoded, lost: s.packetsLost });
      const q = qualityFrom({ packetsLostRatio: lostRatio, roundTripMs: s.roundTripMs, receiving });
      if (order.indexOf(q) > order.indexOf(worst)) worst = q;
    }
    this.events.emit("quality", worst);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.statsTimer);
    clearInterval(this.watchTimer);
    for (const off of this.unsubscribe) off();
    for (const id of [...this.links.keys()]) this.removePeer(id);
    this.events.emit("state", "disconnected");
  }
}
