import { vitePlugin as remix } from "@remix-run/dev";
import path from "node:path";
import { defineConfig, type Plugin } from "vite";
import { MEDIAPIPE_WASM_URL } from "./server/http/asset-urls";
import { copyDirectory, precompressDirectory } from "./server/http/precompress";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const root = new URL(".", import.meta.url).pathname;
/** Server code the pages call: loaded from source at run time, never copied into the web bundle. */
const SERVER_SOURCE = ["server", "db", "media"].map((dir) => path.join(root, dir) + path.sep);

/**
 * After the client build: the MediaPipe wasm joins the build under its versioned address, and every
 * text asset, the wasm and the model get precompressed .br and .gz twins (served by server/http/static-files.ts).
 */
function precompressAssets(): Plugin {
  let ssr = false;
  let outDir = "";
  let log: (line: string) => void = () => {};
  return {
    name: "clinic:precompress",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      outDir = path.resolve(config.root, config.build.outDir);
      log = (line) => config.logger.info(line);
    },
    async closeBundle() {
      if (ssr) return;
      // Only the files FilesetResolver loads (SIMD and no-SIMD builds), not the ES-module variant.
      copyDirectory(path.join(root, "node_modules/@mediapipe/tasks-vision/wasm"), path.join(outDir, MEDIAPIPE_WASM_URL), (name) => !name.includes("_module_"));
      const started = Date.now();
      const { files, bytes, brBytes } = await precompressDirectory(outDir, { cacheDir: path.join(root, "node_modules/.cache/precompress") });
      log(`precompressed ${files} files: ${(bytes / 1e6).toFixed(1)} MB → ${(brBytes / 1e6).toFixed(1)} MB brotli in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  resolve: { alias: { "~": new URL("./web", import.meta.url).pathname } },
  publicDir: "web/public",
  build: {
    chunkSizeWarningLimit: 1500,
    // One copy of the server at run time: the pages' server build imports the services, the database
    // layer and the media code from their source files (the same modules Hono, /api, socket.io and the jobs
    // use) instead of bundling a second, possibly older, copy. The server runs with tsx, which loads them.
    rollupOptions: isSsrBuild
      ? {
          external: (id: string) => SERVER_SOURCE.some((dir) => id.startsWith(dir)),
          makeAbsoluteExternalsRelative: false,
          output: { paths: (id: string) => (SERVER_SOURCE.some((dir) => id.startsWith(dir)) ? path.relative(path.join(root, "build/server"), id) : id) },
        }
      : undefined,
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
    precompressAssets(),
  ],
}));
