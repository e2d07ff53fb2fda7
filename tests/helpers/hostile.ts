import fc from "fast-check";

/**
 * Generators of hostile HTTP input for property-based tests: every shape a client can send that
 * a well-behaved one never would. Strings always carry at least one character that no username,
 * code or token may contain, so a generated body is never accidentally a valid request.
 */

/** Field names the API and the forms read, plus keys that trip naive object handling. */
export const FIELD_NAMES = [
  "username",
  "password",
  "email",
  "session_id",
  "totp_token",
  "backup_code",
  "refresh",
  "refresh_token",
  "token",
  "passkey_response",
  "name",
  "credential_id",
  "expires_at",
  "expires_in_days",
  "current_password",
  "new_password",
  "confirm",
  "code",
  "next",
  "id",
  "key_id",
  "__proto__",
  "constructor",
] as const;

export const INJECTIONS = [
  "' OR '1'='1",
  "admin'--",
  '"; DROP TABLE users; --',
  "1; SELECT pg_sleep(10)--",
  "' UNION SELECT password_hash FROM users--",
  "%' AND 1=1 --",
  "\\'; --",
  "$1::text",
  "x\r\nSet-Cookie: pwned=1",
  "x\nLocation: https://evil.example",
  "%0d%0aSet-Cookie:%20pwned=1",
  "../../../../etc/passwd",
  "..%2f..%2fpackage.json",
  "//evil.example/%2e%2e",
  "/\\evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "<script>alert(1)</script>",
  "{{7*7}}${7*7}",
  "%s%s%s%n",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\u202eevil\u202c",
  "\u200b\u200d",
  "\ufeff",
  "e\u0301",
  "😀👨‍👩‍👧",
  "Ａｄｍｉｎ",
  "مرحبا",
  "\uffff\ufffe",
  "\u0085\u2028\u2029",
] as const;

const fragment = fc.constantFrom(...INJECTIONS);

/** A hostile string: an injection shape, random code points around it (surrogate halves included). */
export const hostileString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: "binary", maxLength: 12 }), fragment, fc.string({ unit: "binary", maxLength: 12 }))
  .map(([a, b, c]) => `${a}${b}${c}`);

/** Text PostgreSQL cannot store as sent: a NUL or an unpaired surrogate somewhere in it. */
export const unstorableString: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom("\u0000", "a\u0000b", "\ud800", "\udfff", "x\ud83d", "\udc00y"),
    fc.string({ maxLength: 8 }),
  )
  .map(([a, b, c]) => `${a}${b}${c}`);

/** A string that alone nearly fills the 64 KB body limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fragment, fc.integer({ min: 5_000, max: 20_000 }))
  .map(([f, n]) => (f + "A").repeat(Math.ceil(n / (f.length + 1))).slice(0, n));

export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
  fc.constant({}),
  fc.constant([]),
);

const fieldName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 1, arbitrary: hostileString },
);

const objectText = (entries: readonly (readonly [string, unknown])[]) =>
  `{${entries.map(([key, val]) => `${JSON.stringify(key)}:${JSON.stringify(val) ?? "null"}`).join(",")}}`;

/**
 * A JSON object text whose fields hold `value`s: either a few fields, or every known field at once
 * (so that no endpoint stops early at "this field is required" and the values reach its logic).
 */
export function objectOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const sparse = fc
    .tuple(fc.constantFrom(...FIELD_NAMES), value, fc.array(fc.tuple(fieldName, value), { maxLength: 6 }))
    .map(([k, v, rest]) => objectText([[k, v] as const, ...rest]));
  const full = fc
    .tuple(...FIELD_NAMES.map((name) => value.map((v) => [name, v] as const)))
    .map((entries) => objectText(entries));
  return fc.oneof(sparse, full);
}

export const malformedJson: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      '{"username":',
      "{'username':'x'}",
      '{"a":1,}',
      "{a:1}",
      "[1,2",
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      "NaN",
      "undefined",
      '{"a":01}',
      '{"a":1}}',
      "\u0000{}",
      '{"a": Infinity}',
      ")]}'\n{}",
    ),
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
    objectOf(hostileString).map((text) => text.slice(0, Math.max(1, Math.floor(text.length / 2)))),
  )
  .filter((text) => {
    if (text.trim() === "") return false;
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

export const notAnObject: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("null", "true", "false", "0", "-1e999", '"a string"', "[]", "[{}]", '[{"username":"a"}]'),
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
);

/** Nesting far deeper than any request needs, as the value of a known field or on its own. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 500, max: 15_000 }),
    fc.constantFrom("array", "object", "field-array", "field-object"),
    fc.constantFrom(...FIELD_NAMES),
  )
  .map(([depth, kind, field]) => {
    const arrays = "[".repeat(depth) + "]".repeat(depth);
    const objects = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    if (kind === "array") return arrays;
    if (kind === "object") return objects;
    return `{${JSON.stringify(field)}:${kind === "field-array" ? arrays : objects}}`;
  });

/** Numbers JSON allows but JavaScript mangles. */
export const numericEdges: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...FIELD_NAMES),
    fc.constantFrom("1e999", "-1e999", "1e-999", "-0", "9007199254740993", "123456789012345678901234567890", "0.1e1"),
  )
  .map(([field, n]) => `{${JSON.stringify(field)}:${n}}`);

/** The same key twice: JSON.parse keeps the last; nothing may trust the first. */
export const duplicateKeys: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...FIELD_NAMES),
    fc.constantFrom("abc", "00000000-0000-4000-8000-000000000000", "123456"),
    hostileString,
  )
  .map(
    ([field, first, last]) =>
      `{${JSON.stringify(field)}:${JSON.stringify(first)},${JSON.stringify(field)}:${JSON.stringify(last)}}`,
  );

/** Bytes that are not UTF-8 at all. */
export const invalidUtf8: fc.Arbitrary<Uint8Array<ArrayBuffer>> = fc
  .tuple(
    fc.constantFrom(...FIELD_NAMES),
    fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]),
  )
  .map(([field, bytes]) => new Uint8Array([...Buffer.from(`{"${field}":"`), ...bytes, ...Buffer.from('"}')]));

export const wrongContentType: fc.Arbitrary<string> = fc.constantFrom(
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "text/json",
  "application/jsonp",
  "application/json-seq",
  "application/javascript",
  "*/*",
  "",
);

/** Header values a client may send (no CR/LF: HTTP parsers reject those before the app runs). */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "' OR 1=1 --",
    "../../etc/passwd",
    "<script>",
    "%00",
    "a".repeat(8_000),
    "\t",
    "()",
    "null",
    "undefined",
    "0.0.0.0",
    "::",
    "999.999.999.999",
    "[::1]:80",
    "unknown, ,,",
  ),
  fc.string({ unit: "binary-ascii", maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, " ")),
);

export const hostileAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    "Bearer a b",
    "Bearer ' OR 1=1 --",
    "Basic YWRtaW46YWRtaW4=",
    "Api-Key",
    "Api-Key lk_' OR 1=1",
    "Token x",
  ),
  fc
    .tuple(
      fc.constantFrom("Bearer ", "Api-Key ", "bearer\t", "API-KEY "),
      fc.oneof(hostileHeaderValue, fc.constant("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")),
    )
    .map(([a, b]) => a + b),
);
