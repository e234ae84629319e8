/** Plain, friendly e-mails: patients are often worried and not technical. Text first, simple HTML. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function layout(paragraphs: string[], link?: { url: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("");
  const button = link
    ? `<p><a href="${escapeHtml(link.url)}" style="background:#0f5c6e;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(link.label)}</a></p><p style="font-size:13px;color:#444">If the button does not work, copy this address into your browser:<br>${escapeHtml(link.url)}</p>`
    : "";
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">${body}${button}</body></html>`;
}

export function verificationEmail({ name, url }: { name: string; url: string }): RenderedMail {
  const lines = [`Hello ${name},`, "Please confirm your e-mail address to finish creating your account."];
  return {
    subject: "Confirm your e-mail address",
    text: `${lines.join("\n\n")}\n\n${url}\n\nIf you did not create an account, you can ignore this message.`,
    html: layout([...lines, "If you did not create an account, you can ignore this message."], { url, label: "Confirm my e-mail" }),
  };
}

export function passwordResetEmail({ name, url }: { name: string; url: string }): RenderedMail {
  const lines = [`Hello ${name},`, "Someone asked to reset the password of your account. The link is valid for one hour."];
  return {
    subject: "Reset your password",
    text: `${lines.join("\n\n")}\n\n${url}\n\nIf it was not you, ignore this message: your password stays the same.`,
    html: layout([...lines, "If it was not you, ignore this message: your password stays the same."], { url, label: "Choose a new password" }),
  };
}

export function staffInvitationEmail({ name, role, url }: { name: string; role: string; url: string }): RenderedMail {
  const lines = [`Hello ${name},`, `You have been invited to join the clinic's platform as a ${role}. Choose your password to activate your account. The link is valid for 7 days.`];
  return {
    subject: "Your invitation to the clinic's platform",
    text: `${lines.join("\n\n")}\n\n${url}`,
    html: layout(lines, { url, label: "Activate my account" }),
  };
}
