/** Every file the app stores (photos, illustrations, exports): readable by the app's own user only. */
export const STORED_FILE_MODE = 0o600;
export const STORED_DIR_MODE = 0o700;
