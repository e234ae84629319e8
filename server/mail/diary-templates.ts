/** E-mails of the diary area: plain, friendly, no health data in them (only a link). */
import type { RenderedMail } from "./templates";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function diaryDueEmail({ name, url, intervalDays }: { name: string; url: string; intervalDays: number }): RenderedMail {
  const weeks = intervalDays % 7 === 0 ? `${intervalDays / 7} weeks` : `${intervalDays} days`;
  const lines = [
    `Hello ${name},`,
    `It is time for your face observation diary (every ${weeks}). Take a few quiet minutes: what changed, what was hard, how your face feels.`,
    "Your therapist reads it before your next session.",
  ];
  return {
    subject: "Your face observation diary is due",
    text: `${lines.join("\n\n")}\n\n${url}`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}<p><a href="${escapeHtml(url)}" style="background:#0f5c6e;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Write my diary</a></p><p style="font-size:13px;color:#444">${escapeHtml(url)}</p></body></html>`,
  };
}

export function diaryReplyEmail({ name, therapistName, url }: { name: string; therapistName: string; url: string }): RenderedMail {
  const lines = [`Hello ${name},`, `${therapistName} answered your face observation diary.`];
  return {
    subject: "Your therapist answered your diary",
    text: `${lines.join("\n\n")}\n\n${url}`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p></body></html>`,
  };
}
