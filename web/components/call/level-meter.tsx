import { useEffect, useRef, useState } from "react";

/** A microphone level bar, so the patient sees the microphone hears them before joining. */
export function LevelMeter({ stream }: { stream: MediaStream | null }) {
  const [level, setLevel] = useState(0);
  const frame = useRef(0);
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    if (!stream || !track) return;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
      setLevel(Math.min(1, peak / 64));
      frame.current = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame.current);
      void context.close();
    };
  }, [stream]);
  const percent = Math.round(level * 100);
  return (
    <div className="level-meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="level-meter__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
