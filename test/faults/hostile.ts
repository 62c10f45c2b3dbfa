/**
 * Hostile inputs for the fuzz tests (fast-check arbitraries) and the checks every answer must pass:
 * no stack trace, no file path, nothing of the server's insides.
 */
import fc from 'fast-check';

/** Strings chosen to break naive code: empty, huge, control characters, bidi overrides, zero-width, odd Unicode. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', '\n\r\t', '\u202e\u202dgnp.exe', '\u200b\u200c\u200d\u2060\ufeff', '\u2028\u2029', '\u061c\u200f\u200e',
    'ＡＤＭＩＮ', 'A\u0301dmin', 'admin', 'Moderador', '<script>alert(1)</script>', '"\'`;--', '${7*7}{{7*7}}',
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'NaN', 'Infinity', '-0', '1e400',
    '\ud83d\ude4f\ud83c\udffd', '\ud800', '\udfff', 'Z\u0351\u0352\u0357\u035b\u0300\u0301', '\u0645\u0631\u062d\u0628\u0627',
    'www.ejemplo.com', 'https://x.cl/a', 'a'.repeat(24), 'a'.repeat(25), 'x'.repeat(500), 'x'.repeat(501),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // One invisible or direction-changing character inside ordinary words, where trimming cannot remove it.
  fc.tuple(fc.constantFrom('Hola', 'Amén', 'Pedro'), fc.constantFrom('\u0000', '\u0008', '\u001b', '\u0085', '\u061c', '\u200b', '\u200e', '\u2028', '\u2029', '\u202e', '\u2066', '\u2069', '\ufeff', '\ufff9'), fc.constantFrom('hermanos', 'mundo', 'Juan')).map(([a, c, b]) => `${a}${c}${b}`),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u200b', '\u202e', '\u2066', '\ufeff', '\ufff9', 'a', ' '), maxLength: 30 }),
  fc.tuple(fc.constantFrom('a', 'ñ', '\u{1F64F}', '\u200b', ' '), fc.integer({ min: 100, max: 3000 })).map(([c, n]) => c.repeat(n)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 600, 601, 10_080, 10_081),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any value, with strings and numbers drawn from the hostile sets; objects may carry prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * JSON text of an object, with the prototype-pollution keys written as real keys of the text (a JS object
 * literal would swallow `__proto__`).
 */
export function objectText(fields: Record<string, unknown>, protoKeys: { key: string; value: unknown }[] = []): string {
  const parts = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`);
  for (const p of protoKeys) parts.push(`${JSON.stringify(p.key)}:${JSON.stringify(p.value) ?? 'null'}`);
  return `{${parts.join(',')}}`;
}

export const protoKeys = fc.array(
  fc.record({
    key: fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString'),
    value: fc.oneof(fc.constant({ polluted: true, isAdmin: true, role: 'moderator' }), fc.constant({ prototype: { polluted: true } }), hostileValue),
  }),
  { maxLength: 2 },
);

export const extraKeys = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('role', 'id', 'sessionId', 'ipHash', 'deleted', 'at')), hostileValue, { maxKeys: 3 });

/** Text that is not JSON: cut-off JSON, NaN-like literals, JS syntax, garbage. */
export const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"type":', '{"type":"chat","text":NaN}', '{"type":"chat","text":Infinity}', "{'type':'hello'}", '{type:"hello"}', '{"a":1,}', '[1,2', '\u0000{}', 'undefined', '{"type":"hello","nick":"a"}}'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.tuple(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.double({ min: 0, max: 1, noNaN: true })).map(([t, f]) => t.slice(0, Math.floor(t.length * f))),
);

/** A query string with hostile names and values, some of them nested or repeated. */
export const hostileQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('format', 'session', 'from', 'to', '__proto__', 'constructor[prototype][x]', 'a[b]', 'format[]'), fc.string({ maxLength: 10 })),
      fc.oneof(hostileString.map((s) => s.slice(0, 300)), fc.constantFrom('csv', 'json', 'xml', '1', '0', '-1', '1e400', '99999999999999999999', '2026-01-01T00:00:00Z', '2026-13-45T99:99:99Z', 'NaN')),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&'));

// A V8 stack line: "    at fn (/path/file.js:12:34)", "    at /path/file.js:1:2", "    at async Promise.all (index 0)".
const STACK_LINE = /(^|\n|\\n)\s*at (async )?[^\n]*(\(|[^\s]+:\d+:\d+)/;
const FILE_PATH = /(\/server\/src\/|\/dist\/server\/|node_modules|file:\/\/|\.(?:ts|js|mjs|cjs):\d+:\d+)/;
const ERROR_CLASS = /\b(TypeError|ReferenceError|RangeError|SqliteError|AssertionError|ZodError|Error): .*\n/;

/**
 * What the server's insides would leak into an answer: a stack line, a source or dependency path, an
 * error class with a multi-line dump, or one of the given local paths. Undefined when the text is clean.
 */
export function internalsLeak(text: string, localPaths: string[] = []): string | undefined {
  for (const [name, re] of [['stack trace', STACK_LINE], ['file path', FILE_PATH], ['error dump', ERROR_CLASS]] as const) {
    const m = re.exec(text);
    if (m) return `${name}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 80))}`;
  }
  for (const p of localPaths) if (p && text.includes(p)) return `local path ${p}`;
  return undefined;
}

/** Characters the chat promises to strip: controls, zero-width, bidi controls, line/paragraph separators. */
export const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/;
