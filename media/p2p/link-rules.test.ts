import { describe, expect, it } from "vitest";
import { fromRebuiltConnection, carriesMedia, sdpSessionId } from "./link-rules";

const sdp = (id: string, version = 2) => `v=0\r\no=- ${id} ${version} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;

describe("peer-to-peer link rules", () => {
  it("reads the session id of an SDP's origin line", () => {
    expect(sdpSessionId(sdp("4611731400430051336"))).toBe("4611731400430051336");
    expect(sdpSessionId("v=0\r\ns=-\r\n")).toBeNull();
    expect(sdpSessionId(undefined)).toBeNull();
  });

  it("tells a renegotiation of the same connection from an offer of a rebuilt one", () => {
    expect(fromRebuiltConnection(sdp("111", 2), sdp("111", 3))).toBe(false);
    expect(fromRebuiltConnection(sdp("111", 2), sdp("222", 2))).toBe(true);
    // Nothing negotiated yet: an ordinary first offer.
    expect(fromRebuiltConnection(null, sdp("222"))).toBe(false);
    expect(fromRebuiltConnection(sdp("111"), undefined)).toBe(false);
  });

  it("a link carries media only while connected and still receiving", () => {
    expect(carriesMedia({ connectionState: "connected", stalled: false, receivedAny: true })).toBe(true);
    expect(carriesMedia({ connectionState: "connected", stalled: true, receivedAny: true })).toBe(false);
    expect(carriesMedia({ connectionState: "connected", stalled: false, receivedAny: false })).toBe(false);
    for (const state of ["new", "connecting", "disconnected", "failed", "closed"] as const) {
      expect(carriesMedia({ connectionState: state, stalled: false, receivedAny: true })).toBe(false);
    }
  });
});
