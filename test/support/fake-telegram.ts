import type { ServerResponse } from 'node:http';
import { RecordingServer, ScriptedFailures, sendJson, type RecordedRequest, type ScriptedFailure } from './recording-server.js';

/**
 * The Bot API's `POST /bot<token>/sendMessage` on 127.0.0.1: records requests, answers like
 * Telegram (`{ ok, result }` or `{ ok: false, error_code, description, parameters }`), rejects tokens
 * it does not know and can be told to fail the next n calls.
 */
export class FakeTelegram {
  private readonly server = new RecordingServer((request, response) => this.handle(request, response));
  private readonly failures = new ScriptedFailures();
  private messageId = 100;

  private constructor(readonly validToken: string) {}

  static async start(validToken: string): Promise<FakeTelegram> {
    const fake = new FakeTelegram(validToken);
    await fake.server.start();
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  failNext(times: number, failure: ScriptedFailure): void {
    this.failures.add(times, failure);
  }

  reset(): void {
    this.server.requests.length = 0;
    this.failures.clear();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: RecordedRequest, response: ServerResponse): void {
    const match = /^\/bot([^/]+)\/sendMessage$/.exec(request.url);
    if (!match || request.method !== 'POST') return sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (decodeURIComponent(match[1]) !== this.validToken) return sendJson(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    if (this.failures.answer(request, response)) return;
    const payload = (request.json ?? {}) as { chat_id?: unknown; text?: unknown };
    if (payload.chat_id === undefined || typeof payload.text !== 'string') {
      return sendJson(response, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
    }
    this.messageId += 1;
    const chatId = typeof payload.chat_id === 'string' && /^-?\d+$/.test(payload.chat_id) ? Number(payload.chat_id) : payload.chat_id;
    sendJson(response, 200, {
      ok: true,
      result: { message_id: this.messageId, from: { id: 1, is_bot: true, first_name: 'Test bot' }, chat: { id: chatId, type: 'private' }, date: Math.floor(Date.now() / 1000), text: payload.text },
    });
  }
}
