import { describe, expect, it } from 'vitest';
import { bytesHaveNul, jsonTextHasNul, urlHasNul, valueHasNul } from './nul-bytes.js';

describe('NUL detection', () => {
  it('finds the \\u0000 escape in JSON text, not an escaped backslash followed by u0000', () => {
    const has = (text: string) => jsonTextHasNul(Buffer.from(text));
    expect(has('{"a":"\\u0000"}')).toBe(true);
    expect(has('{"\\u0000":1}')).toBe(true);
    expect(has('{"a":"\\\\\\u0000"}')).toBe(true); // \\ then the escape
    expect(has('{"a":"\\\\u0000"}')).toBe(false); // an escaped backslash, then text
    expect(has('{"a":"\\\\\\\\u0000"}')).toBe(false);
    expect(has('{"a":"\\\\u0000 and \\u0000"}')).toBe(true); // the second one counts
    expect(has('{"a":"\\u00001"}')).toBe(true);
    expect(has('{"a":"u0000 \\u0001"}')).toBe(false);
  });

  it('finds NUL in URLs, raw bytes and parsed values', () => {
    expect(urlHasNul('/workflows?search=%00')).toBe(true);
    expect(urlHasNul('/workflows?search=%2500')).toBe(false);
    expect(bytesHaveNul(Buffer.from([0x61, 0, 0x62]))).toBe(true);
    expect(bytesHaveNul(Buffer.from('abc'))).toBe(false);
    expect(valueHasNul({ a: [{ b: 'x\0' }] })).toBe(true);
    expect(valueHasNul({ ['k\0']: 1 })).toBe(true);
    expect(valueHasNul({ a: [1, null, true, 'fine', { b: '' }] })).toBe(false);
    expect(valueHasNul(Array.from({ length: 200_000 }, () => 'x'))).toBe(false);
  });
});
