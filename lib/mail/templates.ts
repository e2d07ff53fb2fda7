/**
 * Plain-text and simple HTML renderings of one message. Every value is escaped in the HTML, and
 * subjects lose line breaks (no header injection), whatever the caller passes.
 */

export type MailContent = { subject: string; text: string; html: string };

export type MailLink = { label: string; url: string };

/** One message in the shared layout: greeting, what happened, facts, an optional button, and help. */
export type MailLayout = {
  site: string;
  /** The first line, also the subject after the site name. */
  headline: string;
  greeting: string;
  paragraphs: string[];
  /** Label and value pairs (when, device, IP address…). */
  facts?: [string, string][];
  action?: MailLink;
  /** The "this wasn't me" link of security notices. */
  notMe?: MailLink & { explanation: string };
  footer: string;
};

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** One line, no control characters: safe in a Subject header and in plain text facts. */
export function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

export function renderMail(layout: MailLayout): MailContent {
  const site = singleLine(layout.site);
  const facts = (layout.facts ?? []).map(([label, value]) => [singleLine(label), singleLine(value)] as const);

  const text = [
    layout.greeting,
    "",
    ...layout.paragraphs.flatMap((p) => [p, ""]),
    ...(facts.length > 0 ? [...facts.map(([label, value]) => `${label}: ${value}`), ""] : []),
    ...(layout.action ? [`${layout.action.label}:`, layout.action.url, ""] : []),
    ...(layout.notMe ? [layout.notMe.explanation, `${layout.notMe.label}: ${layout.notMe.url}`, ""] : []),
    "-- ",
    layout.footer,
    "",
  ].join("\n");

  const p = (content: string) => `<p style="margin:0 0 16px">${content}</p>`;
  const button = (link: MailLink, color: string) =>
    `<p style="margin:0 0 16px"><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:${color};color:#ffffff;text-decoration:none;font-weight:600">${escapeHtml(link.label)}</a></p>` +
    p(`<span style="font-size:12px;color:#52525b">Or open this address: ${escapeHtml(link.url)}</span>`);
  const factRows = facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#52525b">${escapeHtml(label)}</td><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join("");

  const html = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(singleLine(layout.headline))}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#18181b">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">',
    `<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(singleLine(layout.headline))}</h1>`,
    p(escapeHtml(layout.greeting)),
    ...layout.paragraphs.map((para) => p(escapeHtml(para))),
    factRows ? `<table style="margin:0 0 16px;border-collapse:collapse;font-size:14px">${factRows}</table>` : "",
    layout.action ? button(layout.action, "#4f46e5") : "",
    layout.notMe ? p(escapeHtml(layout.notMe.explanation)) + button(layout.notMe, "#dc2626") : "",
    `<p style="margin:24px 0 0;font-size:12px;color:#71717a">${escapeHtml(layout.footer)}</p>`,
    "</div></body></html>",
  ].join("\n");

  return { subject: `[${site}] ${singleLine(layout.headline)}`.slice(0, 250), text, html };
}
