/**
 * The one call interface both transports implement (peer-to-peer over our socket.io, or LiveKit),
 * so the session page, its panels and its tests do not care which one runs.
 */
export type CallConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";
export type ConnectionQuality = "good" | "fair" | "poor" | "lost" | "unknown";

export interface RemoteParticipant {
  /** Stable per browser tab (survives socket reconnects). */
  connectionId: string;
  userId: string;
  stream: MediaStream | null;
  microphone: boolean;
  camera: boolean;
  /** A window or tab the participant shares, shown large beside their face. */
  screen: MediaStream | null;
  /** Their realtime link dropped: the tile stays, marked "reconnecting", until they are back or gone. */
  away: boolean;
}

export interface CallTransportEvents {
  participants: (participants: RemoteParticipant[]) => void;
  state: (state: CallConnectionState) => void;
  quality: (quality: ConnectionQuality) => void;
}

export interface CallTransport {
  readonly kind: "p2p" | "livekit";
  /** Starts sending `local` and receiving the others. */
  start(local: MediaStream): Promise<void>;
  /** Replaces the microphone or camera track (device switch) without renegotiating from scratch. */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  setMicrophoneEnabled(enabled: boolean): void;
  /** Peers the server reports after a (re)join; the peer-to-peer transport links any it lacks. */
  addPeers?(peers: { connectionId: string; userId: string }[]): void;
  setCameraEnabled(enabled: boolean): void;
  /** Starts sending a screen (window or tab) track beside the camera, or stops with `null`. */
  shareScreen(track: MediaStreamTrack | null): Promise<void>;
  on<K extends keyof CallTransportEvents>(event: K, listener: CallTransportEvents[K]): () => void;
  /** Decoded video frames received so far from each participant (tests and the quality indicator). */
  stats(): Promise<CallStats[]>;
  close(): void;
}

export interface CallStats {
  connectionId: string;
  framesDecoded: number;
  audioPacketsReceived: number;
  packetsLost: number;
  roundTripMs: number | null;
}

/** A tiny typed event emitter shared by the transports. */
export class Emitter<E extends { [K in keyof E]: (...args: never[]) => void }> {
  private listeners = new Map<keyof E, Set<(...args: never[]) => void>>();
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (...args: never[]) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (...args: never[]) => void);
  }
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: Parameters<E[K]>) => void)(...args);
  }
}

/** Quality from what the receiver measures: lost packets and round-trip time. */
export function qualityFrom(sample: { packetsLostRatio: number; roundTripMs: number | null; receiving: boolean }): ConnectionQuality {
  if (!sample.receiving) return "lost";
  if (sample.packetsLostRatio > 0.1 || (sample.roundTripMs ?? 0) > 600) return "poor";
  if (sample.packetsLostRatio > 0.03 || (sample.roundTripMs ?? 0) > 250) return "fair";
  return "good";
}
