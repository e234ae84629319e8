/**
 * Versioned addresses of the face capture's large files, so browsers may keep them for a year
 * (`immutable`): a new version gets a new address. Shared by the server (which serves them) and the
 * capture page (which loads them). asset-urls.test.ts checks both against the installed files.
 */

/** Bump with the @mediapipe/tasks-vision package. */
export const MEDIAPIPE_VERSION = "1.1.0";
export const MEDIAPIPE_WASM_URL = `/mediapipe/${MEDIAPIPE_VERSION}/wasm`;

/** The first 12 hex digits of web/public/models/face_landmarker.task.sha256: bump with the model. */
export const FACE_MODEL_VERSION = "64184e229b26";
export const FACE_MODEL_URL = `/models/face_landmarker.task?v=${FACE_MODEL_VERSION}`;
