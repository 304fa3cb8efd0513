import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../../../src/services/audit/csv.ts';

/** A strict RFC 4180 reader for one CRLF-terminated record: what a spreadsheet or `csv` module reads back. */
function readRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) throw new Error('unterminated quoted field');
        field += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      if (end === -1) throw new Error('record does not end in CRLF');
      field = text.slice(i, i + end);
      if (/["\r\n]/.test(field)) throw new Error(`bare field holds a quote or line break: ${JSON.stringify(field)}`);
      i += end;
    }
    fields.push(field);
    if (text.startsWith('\r\n', i)) {
      if (i + 2 !== text.length) throw new Error('text after the record');
      return fields;
    }
    if (text[i] !== ',') throw new Error(`expected a comma at ${i}`);
    i += 1;
  }
}

/** What the reader gets back for a written value: the value, with a `'` before a formula-looking start. */
const defused = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

describe('CSV fields (RFC 4180)', () => {
  it('leaves plain values alone and quotes commas, quotes and line breaks', () => {
    expect(csvField('request.created')).toBe('request.created');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "yes"')).toBe('"say ""yes"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvField('{"ticket":"OPS-1","rows":2}')).toBe('"{""ticket"":""OPS-1"",""rows"":2}"');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("https://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""https://evil.example"",""click"")"',
    );
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvField('\t=1+1')).toBe("'\t=1+1");
    expect(csvField('\r=1+1')).toBe('"\'\r=1+1"');
    // Only the start counts: a formula character later on is plain text.
    expect(csvField('a=b')).toBe('a=b');
  });

  it('ends a record in CRLF and writes null as an empty field', () => {
    expect(csvRecord(['1', null, 'x,y'])).toBe('1,,"x,y"\r\n');
  });

  it('reads back as written, whatever the values', () => {
    const nasty = fc.oneof(
      fc.string(),
      fc.constantFrom('', ',', '"', '""', '\r\n', '\n', '\r', '=', '+', '-', '@', '\t', "'", ' ,"\n'),
      fc
        .array(fc.constantFrom('a', ',', '"', '\r', '\n', '=', '@', ' ', 'é', '😀'), { maxLength: 12 })
        .map((chars) => chars.join('')),
    );
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 8 }), (values) => {
        expect(readRecord(csvRecord(values))).toEqual(values.map(defused));
      }),
      { numRuns: 2000 },
    );
  });
});
