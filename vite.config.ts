import path from "node:path";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

const ROOT = path.dirname(new URL(import.meta.url).pathname);
/** Server code the pages call: loaded from source at run time, never copied into the web bundle. */
const SERVER_SOURCE = ["server", "db", "media"].map((dir) => path.join(ROOT, dir) + path.sep);

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  resolve: { alias: { "~": new URL("./web", import.meta.url).pathname } },
  publicDir: "web/public",
  build: {
    chunkSizeWarningLimit: 1500,
    // One copy of the server at run time: the pages' server build imports the services, the database
    // layer and the media code from their source files (the same modules Hono, /api, socket.io and the jobs
    // use) instead of bundling a second, possibly older, copy. `npm start` runs with tsx, which loads them.
    rollupOptions: isSsrBuild ? { external: (id: string) => SERVER_SOURCE.some((dir) => id.startsWith(dir)) } : undefined,
  },
  plugins: [
    remix({
      appDirectory: "web",
      buildDirectory: "build",
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
}));
