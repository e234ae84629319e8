import { initialWatch, MEDIA_WATCH_INTERVAL_MS, type MediaWatch, watchMedia } from "./media-watchdog";
import { type CallConnectionState, type CallStats, type CallTransport, type CallTransportEvents, Emitter, qualityFrom, type RemoteParticipant } from "../transport";

/** What the peer-to-peer call needs from signalling (our socket.io): addressed messages and presence. */
export interface Signalling {
  send(to: string, data: SignalData): void;
  sendMediaState(state: { microphone: boolean; camera: boolean }): void;
  onSignal(listener: (from: string, data: SignalData) => void): () => void;
  onPeerJoined(listener: (peer: { connectionId: string; userId: string }) => void): () => void;
  onPeerLeft(listener: (peer: { connectionId: string; userId: string }) => void): () => void;
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
  stream: MediaStream | null;
  microphone: boolean;
  camera: boolean;
  restartTimer?: ReturnType<typeof setTimeout>;
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
      this.signalling.onPeerLeft((peer) => this.removePeer(peer.connectionId)),
      this.signalling.onMediaState((state) => {
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

  /** Peers known from a (re)join answer; those already linked are kept as they are. */
  addPeers(peers: { connectionId: string; userId: string }[]): void {
    for (const peer of peers) this.addPeer(peer, { offer: true });
  }

  /** A new or returning participant. A second connection of the same user replaces the first (a reload). */
  private addPeer(peer: { connectionId: string; userId: string }, options: { offer: boolean }): void {
    if (this.closed || peer.connectionId === this.self.connectionId) return;
    const existing = this.links.get(peer.connectionId);
    if (existing && existing.pc.connectionState !== "failed" && existing.pc.connectionState !== "closed") {
      // Same tab rejoined after a socket reconnect: the media path may still be fine; tell it our state.
      this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
      return;
    }
    for (const link of this.links.values()) if (link.peer.userId === peer.userId) this.removePeer(link.peer.connectionId);
    // The newcomer offers to everyone already there; we answer when its offer arrives. Offering from
    // both sides at once would cost a collision and a rollback on every join.
    if (options.offer) this.createLink(peer, true);
    this.signalling.sendMediaState({ microphone: this.microphone, camera: this.camera });
  }

  private createLink(peer: { connectionId: string; userId: string }, withTracks: boolean): Link {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const link: Link = { peer, pc, polite: this.self.connectionId < peer.connectionId, makingOffer: false, ignoreOffer: false, stream: null, microphone: true, camera: true, pendingCandidates: [], tracksAdded: false, watch: initialWatch(Date.now()) };
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
      link.stream = streams[0] ?? link.stream ?? new MediaStream([track]);
      this.publishParticipants();
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
  }

  private async handleSignal(from: string, data: SignalData): Promise<void> {
    if (this.closed) return;
    let link = this.links.get(from);
    if (!link) {
      // An offer from a peer we have not heard of yet (its join event may still be on the way).
      if (!("description" in data) || data.description.type !== "offer") return;
      link = this.createLink({ connectionId: from, userId: from.split(".")[0] ?? from }, false);
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
      microphone: l.microphone,
      camera: l.camera,
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
      const sender = link.pc.getSenders().find((s) => s.track?.kind === track.kind || (!s.track && s.transport));
      if (sender) await sender.replaceTrack(track);
      else link.pc.addTrack(track, this.local);
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
