import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvFilename, csvHeader, csvLine, csvRows } from "@/lib/auth/admin/csv";

/** A minimal RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

describe("CSV cells", () => {
  it("quote commas, quotes, line breaks and outer spaces", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("neutralise spreadsheet formulas (= + - @, tab, carriage return) with a leading quote", () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+1-555")).toBe("'+1-555");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("write numbers, booleans, dates and empty values as data", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(3.5)).toBe("3.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(new Date(Date.UTC(2030, 0, 2, 3, 4, 5)))).toBe("2030-01-02T03:04:05.000Z");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("round-trip any text through an RFC 4180 reader, and never start a cell with a formula character", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), (cells) => {
        const parsed = parseCsv(csvLine(cells));
        expect(parsed).toHaveLength(1);
        const back = parsed[0] ?? [];
        expect(back).toHaveLength(cells.length);
        back.forEach((value, i) => {
          const original = cells[i] ?? "";
          expect(value).toBe(/^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
          expect(value).not.toMatch(/^[=+\-@\t\r]/);
        });
      }),
    );
  });

  it("build header and rows from column definitions", () => {
    const columns = [
      { header: "name", value: (r: { name: string; n: number }) => r.name },
      { header: "n", value: (r: { name: string; n: number }) => r.n },
    ];
    expect(csvHeader(columns) + csvRows(columns, [{ name: "=x", n: 1 }])).toBe("name,n\r\n'=x,1\r\n");
  });

  it("make a safe file name", () => {
    expect(csvFilename('users"; evil', new Date(Date.UTC(2030, 4, 6)))).toBe("lokdown-usersevil-2030-05-06.csv");
  });
});
