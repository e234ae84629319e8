import { useEffect } from "react";
import { useRouteLoaderData } from "@remix-run/react";

/**
 * A signed-in page keeps a socket to the server; when the user logs out in another tab (or another
 * app instance ends the session), this tab leaves the private page at once.
 */
export function useSignedOutElsewhere() {
  const data = useRouteLoaderData("root") as { user: unknown } | undefined;
  const signedIn = Boolean(data?.user);
  useEffect(() => {
    if (!signedIn) return;
    let disposed = false;
    let socket: { close(): void } | undefined;
    void import("./realtime-client").then(({ connectSocket }) => {
      if (disposed) return;
      const s = connectSocket();
      s.on("auth:signed-out", () => window.location.assign("/login?signedOut=1"));
      socket = s;
    });
    return () => {
      disposed = true;
      socket?.close();
    };
  }, [signedIn]);
}
