import type { Dosage } from "../../../server/domain/collab/homework-list";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function dosageText(d: Dosage): string {
  return `${plural(d.repetitions, "repetition")} × ${plural(d.sets, "set")}, ${d.timesPerDay === 1 ? "once" : `${d.timesPerDay} times`} a day, about ${plural(d.minutes, "minute")}`;
}

export function DosageText({ item }: { item: Dosage }) {
  return <p className="homework-dosage">{dosageText(item)}</p>;
}
