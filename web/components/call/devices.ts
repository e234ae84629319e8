/** Device choices are remembered per browser, so the next call starts with the same camera and microphone. */
const KEY = "call-devices";

export interface DevicePreferences {
  cameraId?: string;
  microphoneId?: string;
  cameraOff?: boolean;
  mirror?: boolean;
}

export function loadPreferences(): DevicePreferences {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "{}") as DevicePreferences;
  } catch {
    return {};
  }
}

export function savePreferences(update: DevicePreferences): void {
  localStorage.setItem(KEY, JSON.stringify({ ...loadPreferences(), ...update }));
}

export type MediaProblem = "denied" | "no-device" | "in-use" | "other";

export function mediaProblemOf(error: unknown): MediaProblem {
  const name = (error as { name?: string })?.name;
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "no-device";
  if (name === "NotReadableError" || name === "AbortError") return "in-use";
  return "other";
}

export const PROBLEM_TEXT: Record<MediaProblem, string> = {
  denied:
    "Your browser is not allowing the camera or microphone. Click the camera icon in the address bar, choose \"Allow\", then press Try again.",
  "no-device": "No camera or microphone was found. Plug one in (or choose another below), then press Try again.",
  "in-use": "Another program is using your camera or microphone. Close it (for example another video call), then press Try again.",
  other: "The camera or microphone could not be started. Press Try again, or join with the camera off.",
};

/** Opens camera and microphone as chosen; falls back to any device when a remembered one is gone. */
export async function openMedia(prefs: { cameraId?: string; microphoneId?: string; camera: boolean }): Promise<MediaStream> {
  const video = prefs.camera ? { deviceId: prefs.cameraId ? { ideal: prefs.cameraId } : undefined, width: { ideal: 640 }, height: { ideal: 480 } } : false;
  const audio = { deviceId: prefs.microphoneId ? { ideal: prefs.microphoneId } : undefined, echoCancellation: true, noiseSuppression: true };
  return navigator.mediaDevices.getUserMedia({ video, audio });
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return { cameras: devices.filter((d) => d.kind === "videoinput"), microphones: devices.filter((d) => d.kind === "audioinput") };
}
