import { fileURLToPath } from "node:url";
import path from "node:path";

/** Absolute paths from the project root, so the server works whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_DIR = path.join(PROJECT_ROOT, "build");
export const CLIENT_BUILD_DIR = path.join(BUILD_DIR, "client");
export const SERVER_BUILD_FILE = path.join(BUILD_DIR, "server", "index.js");
export const PUBLIC_DIR = path.join(PROJECT_ROOT, "web", "public");
/** MediaPipe tasks-vision's wasm files, served at /mediapipe/wasm/ for the face capture page. */
export const MEDIAPIPE_WASM_DIR = path.join(PROJECT_ROOT, "node_modules", "@mediapipe", "tasks-vision", "wasm");
