/**
 * What an uploaded file really is, from its first bytes (never from its name or the client's
 * Content-Type). Only the three raster formats browsers, e-mail clients and the PDF renderer all show.
 */
export type IllustrationMime = "image/png" | "image/jpeg" | "image/webp";

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

export function sniffImageType(bytes: Uint8Array): IllustrationMime | null {
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

export const IMAGE_EXTENSION: Record<IllustrationMime, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };
