import type { ExpressionId } from "../../../media/face/pose";

/** A small line drawing of each expression (decorative: the instruction text says the same). */
export function ExpressionIllustration({ id, size = 96 }: { id: ExpressionId; size?: number }) {
  const browY = id === "brow_raise" ? 30 : 38;
  const eyesClosed = id === "gentle_eye_closure" || id === "tight_eye_closure";
  return (
    <svg width={size} height={size} viewBox="0 0 100 100" aria-hidden="true" focusable="false" className="expression-illustration">
      <ellipse cx="50" cy="52" rx="34" ry="42" fill="#fdf3e7" stroke="#1b2426" strokeWidth="2" />
      <path d={`M28 ${browY} q8 -5 16 0`} stroke="#1b2426" strokeWidth="2.5" fill="none" />
      <path d={`M56 ${browY} q8 -5 16 0`} stroke="#1b2426" strokeWidth="2.5" fill="none" />
      {id === "brow_raise" ? (
        <>
          <path d="M34 20 q16 -4 32 0" stroke="#8a999c" strokeWidth="1.5" fill="none" />
          <path d="M36 24 q14 -3 28 0" stroke="#8a999c" strokeWidth="1.5" fill="none" />
        </>
      ) : null}
      {eyesClosed ? (
        <>
          <path d="M30 46 q6 4 12 0" stroke="#1b2426" strokeWidth="2" fill="none" />
          <path d="M58 46 q6 4 12 0" stroke="#1b2426" strokeWidth="2" fill="none" />
          {id === "tight_eye_closure" ? (
            <>
              <path d="M26 42 l-4 -2 M26 47 l-5 0 M26 51 l-4 2" stroke="#1b2426" strokeWidth="1.5" />
              <path d="M74 42 l4 -2 M74 47 l5 0 M74 51 l4 2" stroke="#1b2426" strokeWidth="1.5" />
            </>
          ) : null}
        </>
      ) : (
        <>
          <ellipse cx="36" cy="46" rx="6" ry="4" fill="#fff" stroke="#1b2426" strokeWidth="1.5" />
          <ellipse cx="64" cy="46" rx="6" ry="4" fill="#fff" stroke="#1b2426" strokeWidth="1.5" />
          <circle cx="36" cy="46" r="2" fill="#1b2426" />
          <circle cx="64" cy="46" r="2" fill="#1b2426" />
        </>
      )}
      <path d="M50 50 l-4 14 h8" stroke="#1b2426" strokeWidth="1.5" fill="none" />
      {id === "nose_wrinkle" ? <path d="M44 56 l-4 -3 M56 56 l4 -3 M45 60 l-5 -1 M55 60 l5 -1" stroke="#1b2426" strokeWidth="1.5" /> : null}
      {mouth(id)}
    </svg>
  );
}

function mouth(id: ExpressionId) {
  const s = { stroke: "#1b2426", strokeWidth: 2.5, fill: "none" } as const;
  switch (id) {
    case "closed_smile":
      return <path d="M36 74 q14 10 28 0" {...s} />;
    case "big_smile":
      return <path d="M34 72 q16 16 32 0 z" fill="#fff" stroke="#1b2426" strokeWidth="2.5" />;
    case "eee":
      return <rect x="36" y="72" width="28" height="7" rx="3" fill="#fff" stroke="#1b2426" strokeWidth="2.5" />;
    case "pucker":
      return <ellipse cx="50" cy="76" rx="6" ry="5" fill="#f1b5b5" stroke="#1b2426" strokeWidth="2.5" />;
    default:
      return <path d="M38 76 h24" {...s} />;
  }
}
