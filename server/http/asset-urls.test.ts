import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, PUBLIC_DIR } from "../paths";
import { FACE_MODEL_VERSION, MEDIAPIPE_VERSION } from "./asset-urls";

// Browsers keep these files for a year under their versioned address: a stale version would serve a
// new file under an old address (and old browsers would keep the old one).
describe("versioned asset addresses", () => {
  it("name the installed MediaPipe version", () => {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "node_modules", "@mediapipe", "tasks-vision", "package.json"), "utf8")) as { version: string };
    expect(MEDIAPIPE_VERSION).toBe(pkg.version);
  });

  it("name the model file's own hash", () => {
    const model = readFileSync(path.join(PUBLIC_DIR, "models", "face_landmarker.task"));
    expect(createHash("sha256").update(model).digest("hex").slice(0, 12)).toBe(FACE_MODEL_VERSION);
  });
});
