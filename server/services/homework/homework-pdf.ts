/**
 * The printable A4 homework sheet (@react-pdf/renderer, built-in Helvetica so technique names are
 * real text in the PDF). One block per technique: name, dosage, how-to, notes, illustrations.
 */
import { Document, Image, Page, renderToBuffer, StyleSheet, Text, View } from "@react-pdf/renderer";
import { createElement as h, type ReactElement } from "react";

export interface PdfTechnique {
  title: string;
  dosageLine: string;
  description: string;
  notes: string;
  images: { data: Buffer; format: "png" | "jpg" }[];
}

export interface HomeworkSheet {
  patientName: string;
  therapistName: string;
  sessionDate: string;
  items: PdfTechnique[];
}

const styles = StyleSheet.create({
  page: { padding: 40, fontFamily: "Helvetica", fontSize: 11, color: "#1a1a1a", lineHeight: 1.4 },
  title: { fontSize: 20, fontFamily: "Helvetica-Bold", marginBottom: 4 },
  meta: { fontSize: 10, color: "#444", marginBottom: 14 },
  target: { fontSize: 11, padding: 8, backgroundColor: "#eef5f7", marginBottom: 14 },
  item: { marginBottom: 16, paddingBottom: 12, borderBottomWidth: 1, borderBottomColor: "#ccc" },
  itemTitle: { fontSize: 14, fontFamily: "Helvetica-Bold", marginBottom: 2 },
  dosage: { fontSize: 11, fontFamily: "Helvetica-Bold", color: "#0f5c6e", marginBottom: 4 },
  notes: { fontSize: 11, fontFamily: "Helvetica-Oblique", marginTop: 4 },
  images: { flexDirection: "row", flexWrap: "wrap", marginTop: 6 },
  image: { width: 170, marginRight: 10, marginBottom: 6 },
  checks: { marginTop: 6, fontSize: 9, color: "#555" },
  footer: { position: "absolute", bottom: 24, left: 40, right: 40, fontSize: 8, color: "#666", textAlign: "center" },
});

export function homeworkDocument(sheet: HomeworkSheet): ReactElement {
  return h(
    Document,
    { title: `Homework ${sheet.sessionDate}`, author: sheet.therapistName, creator: "Facial palsy rehabilitation" },
    h(
      Page,
      { size: "A4", style: styles.page },
      h(Text, { style: styles.title }, "Your homework"),
      h(Text, { style: styles.meta }, `${sheet.patientName} · session of ${sheet.sessionDate} with ${sheet.therapistName}`),
      h(Text, { style: styles.target }, "Practise twice a day, 15 to 20 minutes each time. Move slowly, in front of a mirror, and stop if anything hurts."),
      ...sheet.items.map((item, i) =>
        h(
          View,
          { key: i, style: styles.item, wrap: false },
          h(Text, { style: styles.itemTitle }, `${i + 1}. ${item.title}`),
          h(Text, { style: styles.dosage }, item.dosageLine),
          item.description ? h(Text, null, item.description) : null,
          item.notes ? h(Text, { style: styles.notes }, item.notes) : null,
          item.images.length > 0 ? h(View, { style: styles.images }, ...item.images.map((img, j) => h(Image, { key: j, style: styles.image, src: img }))) : null,
          h(Text, { style: styles.checks }, "Done (tick each practice): ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐ ☐".replace(/☐/g, "[ ]")),
        ),
      ),
      h(Text, { style: styles.footer, fixed: true, render: ({ pageNumber, totalPages }: { pageNumber: number; totalPages: number }) => `Homework of ${sheet.sessionDate} · page ${pageNumber} of ${totalPages}` }),
    ),
  );
}

export async function renderHomeworkSheet(sheet: HomeworkSheet): Promise<Buffer> {
  return renderToBuffer(homeworkDocument(sheet) as Parameters<typeof renderToBuffer>[0]);
}
