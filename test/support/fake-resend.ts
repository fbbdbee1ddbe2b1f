import { RecordingServer, ScriptedFailures, sendJson, type RecordedRequest, type ScriptedFailure } from './recording-server.js';

/**
 * Resend's `POST /emails` on 127.0.0.1: records what it receives, answers `{ id }`, replays the id
 * for a repeated Idempotency-Key as Resend does, and can be told to fail the next n calls.
 */
export class FakeResend {
  private readonly server = new RecordingServer((request, response) => this.handle(request, response));
  private readonly failures = new ScriptedFailures();
  private readonly idsByKey = new Map<string, string>();
  private sent = 0;

  static async start(): Promise<FakeResend> {
    const fake = new FakeResend();
    await fake.server.start();
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** Every request received, failed ones included. */
  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Requests that created an e-mail (distinct Idempotency-Keys). */
  get emailsCreated(): number {
    return this.sent;
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

  private handle(request: RecordedRequest, response: import('node:http').ServerResponse): void {
    if (request.method !== 'POST' || request.url !== '/emails') return sendJson(response, 404, { statusCode: 404, name: 'not_found', message: 'Not found' });
    if (!/^Bearer \S+$/.test(String(request.headers.authorization ?? ''))) {
      return sendJson(response, 401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header' });
    }
    if (this.failures.answer(request, response)) return;
    const key = String(request.headers['idempotency-key'] ?? '');
    let id = key ? this.idsByKey.get(key) : undefined;
    if (!id) {
      this.sent += 1;
      id = `email-${this.sent}-${Math.random().toString(36).slice(2, 8)}`;
      if (key) this.idsByKey.set(key, id);
    }
    sendJson(response, 200, { id });
  }
}
