import { describe, expect, it } from "vitest";
import { escapeHtml, renderMail, singleLine } from "@/lib/mail/templates";

describe("mail templates", () => {
  const hostile = `<script>alert(1)</script> "quotes" & 'apostrophes'`;

  it("escape every value in the HTML, links included", () => {
    const mail = renderMail({
      site: "Site",
      headline: hostile,
      greeting: `Hi ${hostile},`,
      paragraphs: [hostile],
      facts: [[hostile, hostile]],
      action: { label: hostile, url: `https://example.com/?a=1&b="><script>` },
      notMe: { label: "This wasn't me", url: "https://example.com/x?token=a&b", explanation: hostile },
      footer: hostile,
    });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain(`"quotes"`);
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#39;apostrophes&#39;");
    expect(mail.html).toContain('href="https://example.com/?a=1&amp;b=&quot;&gt;&lt;script&gt;"');
    // The text version is plain text: nothing to escape, everything legible.
    expect(mail.text).toContain(hostile);
    expect(mail.text).toContain("This wasn't me: https://example.com/x?token=a&b");
  });

  it("keep subjects and facts on one line (no header injection)", () => {
    const mail = renderMail({
      site: "Site\r\nBcc: x@example.com",
      headline: "Hello\r\nBcc: victim@example.com",
      greeting: "Hi",
      paragraphs: [],
      facts: [["Device", "a\nb"]],
      footer: "",
    });
    expect(mail.subject).toBe("[Site Bcc: x@example.com] Hello Bcc: victim@example.com");
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain("Device: a b");
    expect(singleLine("a\u0000b\u007fc")).toBe("a b c");
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });
});
