/** The call bar's icons (24×24 strokes, decorative: every button also has a text label). */
const PATHS = {
  mic: "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3",
  micOff: "M9 9v3a3 3 0 0 0 5.1 2.1M15 10V6a3 3 0 0 0-5.7-1.3M5 11a7 7 0 0 0 11.4 5.4M19 11a7 7 0 0 1-.6 2.8M12 18v3M3 3l18 18",
  camera: "M3 7h12v10H3zM15 10l6-3v10l-6-3",
  cameraOff: "M3 7h9M15 10l6-3v10l-6-3M15 15v2H3V7M3 3l18 18",
  mirror: "M12 3v18M8 7l-5 5 5 5M16 7l5 5-5 5",
  screen: "M3 4h18v12H3zM8 20h8M12 16v4M9 10l3-3 3 3M12 7v6",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  end: "M3 15c5-4 13-4 18 0l-2 3-4-1v-3c-2-.5-4-.5-6 0v3l-4 1z",
  leave: "M10 4H5v16h5M14 8l4 4-4 4M18 12H9",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
