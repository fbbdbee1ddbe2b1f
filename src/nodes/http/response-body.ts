import type { Readable } from 'node:stream';

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`Response body is larger than maxResponseBytes (${limit} bytes)`);
  }
}

/** Whether a `content-length` header announces more than `limit` bytes (absent or unreadable: no). */
export function declaresMoreThan(contentLength: string | string[] | undefined, limit: number): boolean {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * Reads a body up to `limit` bytes. The declared length is checked first so an honest server is
 * refused before a byte is read; a chunked or lying one is cut off as soon as it passes the limit.
 */
export async function readLimited(body: Readable, limit: number, declaredLength?: string | string[]): Promise<Buffer> {
  if (declaresMoreThan(declaredLength, limit)) {
    discard(body);
    throw new ResponseTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      discard(body);
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Stops reading and closes the connection; the stream's abort error is expected, so it is swallowed. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

const isJsonType = (contentType: string | undefined): boolean => /^application\/(?:[\w.+-]*\+)?json\b/i.test((contentType ?? '').trim());

/**
 * `auto`: JSON when the content type says so (falling back to text if it is not valid JSON), else
 * text. `json`: must parse. An empty body is null for JSON.
 */
export function decodeBody(body: Buffer, format: 'auto' | 'json' | 'text', contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (format === 'text' || (format === 'auto' && !isJsonType(contentType))) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    if (format === 'auto') return text;
    throw new Error(`Response is not valid JSON (responseFormat is json): ${excerpt(text)}`);
  }
}

const EXCERPT_CHARS = 200;

export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}
