/**
 * Pure rules of the peer-to-peer call's self-healing (no browser API): when a link to another browser is
 * kept across a drop, when it is rebuilt, and how an offer from a rebuilt connection is recognised.
 */

/** A peer whose socket dropped keeps its link (and its tile, marked "reconnecting") this long. */
export const LEAVE_GRACE_MS = 20_000;

/**
 * The session id of an SDP's origin line (`o=- 4611731400430051336 2 IN IP4 …`). Every
 * RTCPeerConnection has its own, so an offer with another id than the link's current remote
 * description comes from a connection the other browser rebuilt: it needs a new link on this side too
 * (its DTLS association is new; an ICE restart of the old one would never carry its media).
 */
export function sdpSessionId(sdp: string | undefined | null): string | null {
  return /^o=\S+ (\d+) /m.exec(sdp ?? "")?.[1] ?? null;
}

export function fromRebuiltConnection(currentRemoteSdp: string | undefined | null, offerSdp: string | undefined): boolean {
  const current = sdpSessionId(currentRemoteSdp);
  const offered = sdpSessionId(offerSdp);
  return current !== null && offered !== null && current !== offered;
}

/**
 * A link that is connected and still receiving carries media: it is kept across a socket drop on either
 * side (media never went through the server). After our own re-join any other link is rebuilt from
 * scratch with a fresh offer: waiting for ICE to notice by itself costs up to 30 s (consent freshness),
 * and an ICE restart offered while the signalling was down was lost with it.
 */
export function carriesMedia(link: { connectionState: RTCPeerConnectionState; stalled: boolean; receivedAny: boolean }): boolean {
  return link.connectionState === "connected" && link.receivedAny && !link.stalled;
}
