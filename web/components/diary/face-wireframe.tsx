/**
 * Landmark wireframe of one capture (face outline, brows, eyes, nose, lips), drawn in the true (unmirrored)
 * orientation, optionally over the kept picture. Index chains from MediaPipe's FACEMESH_* connection sets.
 */
const CHAINS: number[][] = [
  [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109, 10],
  [70, 63, 105, 66, 107],
  [300, 293, 334, 296, 336],
  [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7, 33],
  [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249, 263],
  [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185, 61],
  [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191, 78],
  [168, 6, 197, 195, 5, 4, 1, 2],
  [129, 98, 2, 327, 358],
];

export interface WireframeCapture {
  imageWidth: number;
  imageHeight: number;
  landmarks: [number, number, number][];
}

export function FaceWireframe({ capture, photoUrl, label }: { capture: WireframeCapture; photoUrl?: string; label: string }) {
  const { imageWidth: w, imageHeight: h, landmarks } = capture;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="wireframe" role="img" aria-label={label}>
      {photoUrl ? <image href={photoUrl} x={0} y={0} width={w} height={h} /> : <rect width={w} height={h} className="wireframe__bg" />}
      {CHAINS.map((chain, i) => (
        <polyline key={i} points={chain.map((k) => `${(landmarks[k]![0] * w).toFixed(1)},${(landmarks[k]![1] * h).toFixed(1)}`).join(" ")} className="wireframe__line" />
      ))}
      {[468, 473].map((k) => (
        <circle key={k} cx={landmarks[k]![0] * w} cy={landmarks[k]![1] * h} r={Math.max(2, w / 200)} className="wireframe__iris" />
      ))}
    </svg>
  );
}
