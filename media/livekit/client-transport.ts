import {
  ConnectionQuality as LkQuality,
  ConnectionState,
  LocalAudioTrack,
  LocalVideoTrack,
  type RemoteParticipant as LkRemoteParticipant,
  Room,
  RoomEvent,
  Track,
  VideoPresets,
} from "livekit-client";
import { type CallStats, type CallTransport, type CallTransportEvents, type ConnectionQuality, Emitter, type RemoteParticipant } from "../transport";

const QUALITY: Record<string, ConnectionQuality> = {
  [LkQuality.Excellent]: "good",
  [LkQuality.Good]: "good",
  [LkQuality.Poor]: "poor",
  [LkQuality.Lost]: "lost",
  [LkQuality.Unknown]: "unknown",
};

/**
 * The LiveKit transport (loaded only when the server says LiveKit runs): the same interface as the
 * peer-to-peer one, over livekit-client's Room. adaptiveStream/dynacast lower quality under load,
 * and the SDK reconnects by itself after a network drop.
 */
export class LiveKitTransport implements CallTransport {
  readonly kind = "livekit" as const;
  // Simulcast: the camera goes up in three layers and the SFU forwards the one each receiver can
  // take (adaptiveStream: sized to the <video>; dynacast: unused layers are paused at the sender).
  private room = new Room({
    adaptiveStream: true,
    dynacast: true,
    videoCaptureDefaults: { resolution: VideoPresets.h720.resolution },
    publishDefaults: { simulcast: true, videoSimulcastLayers: [VideoPresets.h180, VideoPresets.h360] },
  });
  private events = new Emitter<CallTransportEvents>();
  private streams = new Map<string, MediaStream>();

  constructor(
    private readonly serverUrl: string,
    private readonly token: string,
  ) {}

  on<K extends keyof CallTransportEvents>(event: K, listener: CallTransportEvents[K]) {
    return this.events.on(event, listener);
  }

  async start(local: MediaStream): Promise<void> {
    const room = this.room;
    const publish = () => this.publishParticipants();
    room
      .on(RoomEvent.TrackSubscribed, publish)
      .on(RoomEvent.TrackUnsubscribed, publish)
      .on(RoomEvent.TrackMuted, publish)
      .on(RoomEvent.TrackUnmuted, publish)
      .on(RoomEvent.ParticipantConnected, publish)
      .on(RoomEvent.ParticipantDisconnected, publish)
      .on(RoomEvent.ConnectionQualityChanged, (quality, participant) => {
        if (participant.isLocal) this.events.emit("quality", QUALITY[quality] ?? "unknown");
      })
      .on(RoomEvent.ConnectionStateChanged, (state) => {
        const mapped = state === ConnectionState.Connected ? "connected" : state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting ? "reconnecting" : state === ConnectionState.Disconnected ? "disconnected" : "connecting";
        this.events.emit("state", mapped);
      });
    this.events.emit("state", "connecting");
    await room.connect(this.serverUrl, this.token);
    for (const track of local.getTracks()) {
      const wrapped = track.kind === "audio" ? new LocalAudioTrack(track, undefined, true) : new LocalVideoTrack(track, undefined, true);
      await room.localParticipant.publishTrack(wrapped, { source: track.kind === "audio" ? Track.Source.Microphone : Track.Source.Camera });
      if (!track.enabled) await wrapped.mute();
    }
    publish();
  }

  private publishParticipants(): void {
    const list: RemoteParticipant[] = [...this.room.remoteParticipants.values()].map((p: LkRemoteParticipant) => {
      const publications = [...p.trackPublications.values()];
      const tracksOf = (screen: boolean) =>
        publications
          .filter((pub) => (pub.source === Track.Source.ScreenShare) === screen && pub.source !== Track.Source.ScreenShareAudio)
          .map((pub) => pub.track?.mediaStreamTrack)
          .filter((t): t is MediaStreamTrack => Boolean(t));
      const screenTracks = tracksOf(true);
      return {
        connectionId: p.sid,
        userId: p.identity,
        stream: this.streamOf(p.identity, tracksOf(false)),
        screen: screenTracks.length ? this.streamOf(`${p.identity}:screen`, screenTracks) : null,
        microphone: p.isMicrophoneEnabled,
        camera: p.isCameraEnabled,
        away: false,
      };
    });
    this.events.emit("participants", list);
  }

  /** A new MediaStream when the set of tracks changes: a track added to a playing stream is not always picked up. */
  private streamOf(key: string, tracks: MediaStreamTrack[]): MediaStream {
    const current = this.streams.get(key);
    if (current && current.getTracks().length === tracks.length && tracks.every((t) => current.getTracks().includes(t))) return current;
    const stream = new MediaStream(tracks);
    this.streams.set(key, stream);
    return stream;
  }

  /** Screen sharing: published as LiveKit's screen-share source beside the camera; `null` unpublishes it. */
  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    const current = this.room.localParticipant.getTrackPublication(Track.Source.ScreenShare)?.track;
    if (current) await this.room.localParticipant.unpublishTrack(current, true);
    if (track) await this.room.localParticipant.publishTrack(new LocalVideoTrack(track, undefined, true), { source: Track.Source.ScreenShare });
  }

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const source = track.kind === "audio" ? Track.Source.Microphone : Track.Source.Camera;
    const publication = this.room.localParticipant.getTrackPublication(source);
    if (publication?.track) await publication.track.replaceTrack(track);
    else {
      const wrapped = track.kind === "audio" ? new LocalAudioTrack(track, undefined, true) : new LocalVideoTrack(track, undefined, true);
      await this.room.localParticipant.publishTrack(wrapped, { source });
    }
  }

  setMicrophoneEnabled(enabled: boolean): void {
    const track = this.room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track;
    void (enabled ? track?.unmute() : track?.mute());
  }

  setCameraEnabled(enabled: boolean): void {
    const track = this.room.localParticipant.getTrackPublication(Track.Source.Camera)?.track;
    void (enabled ? track?.unmute() : track?.mute());
  }

  async stats() {
    const out: CallStats[] = [];
    for (const p of this.room.remoteParticipants.values()) {
      let framesDecoded = 0;
      let audioPacketsReceived = 0;
      let packetsLost = 0;
      for (const pub of p.trackPublications.values()) {
        const report = await pub.track?.getRTCStatsReport?.();
        report?.forEach((s: Record<string, unknown>) => {
          if (s.type === "inbound-rtp" && s.kind === "video") framesDecoded += Number(s.framesDecoded ?? 0);
          if (s.type === "inbound-rtp" && s.kind === "audio") audioPacketsReceived += Number(s.packetsReceived ?? 0);
          if (s.type === "inbound-rtp") packetsLost += Number(s.packetsLost ?? 0);
        });
      }
      out.push({ connectionId: p.sid, framesDecoded, audioPacketsReceived, packetsLost, roundTripMs: null });
    }
    return out;
  }

  close(): void {
    void this.room.disconnect();
    this.events.emit("state", "disconnected");
  }
}
