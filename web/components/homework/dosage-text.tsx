import { type Dosage, dosageText } from "../../../server/domain/collab/homework-list";

export { dosageText };

export function DosageText({ item }: { item: Dosage }) {
  return <p className="homework-dosage">{dosageText(item)}</p>;
}
