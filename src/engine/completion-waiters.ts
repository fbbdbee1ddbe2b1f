import { Inject, Injectable, Optional } from '@nestjs/common';
import { Batcher } from '../common/batcher.js';
import { allowedAnswerHeaders } from '../common/security-headers.js';
import { ExecutionLifecycle } from '../executions/execution-lifecycle.js';
import { ExecutionsRepository, type ExecutionOutcomeRow } from '../executions/executions.repository.js';
import type { ExecutionStatus, NodeExecution } from '../executions/execution.types.js';
import { FINAL_STATUSES } from '../executions/execution.types.js';
import type { WebhookResponse } from '../nodes/node-executor.js';

export interface ExecutionOutcome {
  status: ExecutionStatus;
  /** Output of the last node that ran. */
  output: unknown;
  error: string | null;
}

/** What a waiting caller hears: the execution's end, or (responseNode) a respondToWebhook answer. */
export type WaitEvent = { kind: 'outcome'; outcome: ExecutionOutcome } | { kind: 'response'; response: WebhookResponse };

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as it is instead of `body` as JSON (a respondToWebhook text answer); its Content-Type is in `headers`. */
  text?: string;
}

/** How often a waiter re-reads the database in case the execution runs in another process. */
const POLL_INTERVAL_MS = 1000;

interface Listener {
  acceptsResponse: boolean;
  deliver(event: WaitEvent): void;
}

/**
 * Carries "execution X has news" between processes (Redis pub/sub in queue mode), so a waiter on
 * an api replica reads the outcome at once instead of at its next poll. Provided only in queue mode
 * (completionRelayProvider); an abstract class so that it is its own injection token.
 */
export abstract class CompletionRelay {
  abstract announce(id: string): void;
  /** A waiter for `id` is here now: news of it must reach onNews's listener from now on. */
  abstract watch(id: string): void;
  abstract onNews(listener: (id: string) => void): void;
}

/**
 * Lets an HTTP request wait for an execution (`lastNode`, `responseNode`, manual runs). Hears of
 * this process's executions at once (the lifecycle's finished, responded and superseded events);
 * the relay, or else a slow poll, covers executions run by another replica.
 */
@Injectable()
export class CompletionWaiters {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Reads of executions run elsewhere: the waiters whose news (or subscription) came together share one statement. */
  private readonly reads: Batcher<string, ExecutionOutcomeRow | undefined>;

  constructor(
    private readonly executions: ExecutionsRepository,
    lifecycle: ExecutionLifecycle,
    // Named: a type of `CompletionRelay | null` is not one every compiler's decorator metadata keeps.
    @Optional() @Inject(CompletionRelay) private readonly relay: CompletionRelay | null = null,
  ) {
    this.reads = new Batcher(async (ids) => {
      const byId = new Map((await executions.findOutcomes(ids)).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    });
    lifecycle.on('finished', ({ execution, status, output, error, insertedFinished }) => {
      if (!insertedFinished) this.notify(execution.id, { status, output, error });
    });
    lifecycle.on('responded', ({ id, response }) => this.respond(id, response));
    // This process's final state was refused: whoever wrote the end has the outcome to tell.
    lifecycle.on('superseded', ({ id }) =>
      this.readOutcome(id)
        .then((outcome) => outcome && this.notify(id, outcome))
        .catch(() => undefined),
    );
    relay?.onNews((id) => {
      const set = this.listeners.get(id);
      if (!set?.size) return;
      const acceptsResponse = [...set].some((listener) => listener.acceptsResponse);
      this.read(id, acceptsResponse)
        .then((event) => event && this.emitHere(id, event))
        .catch(() => undefined);
    });
  }

  private notify(id: string, outcome: ExecutionOutcome): void {
    this.emit(id, { kind: 'outcome', outcome });
  }

  private respond(id: string, response: WebhookResponse): void {
    this.emit(id, { kind: 'response', response });
  }

  private emit(id: string, event: WaitEvent): void {
    this.emitHere(id, event);
    this.relay?.announce(id);
  }

  private emitHere(id: string, event: WaitEvent): void {
    for (const listener of this.listeners.get(id) ?? []) {
      if (event.kind === 'outcome' || listener.acceptsResponse) listener.deliver(event);
    }
  }

  /** Resolves with the first event, or undefined when `timeoutMs` passes first. */
  wait(id: string, timeoutMs: number, acceptsResponse = false): Promise<WaitEvent | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const set = this.listeners.get(id) ?? new Set<Listener>();
      this.listeners.set(id, set);
      const finish = (event: WaitEvent | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(poll);
        set.delete(listener);
        if (set.size === 0 && this.listeners.get(id) === set) this.listeners.delete(id);
        resolve(event);
      };
      const listener: Listener = { acceptsResponse, deliver: finish };
      if (set.size === 0) this.relay?.watch(id);
      set.add(listener);
      const deadline = setTimeout(() => finish(undefined), timeoutMs);
      const poll = setInterval(() => {
        this.read(id, acceptsResponse)
          .then((event) => event && finish(event))
          .catch(() => undefined);
      }, POLL_INTERVAL_MS);
    });
  }

  /**
   * The `lastNode` answer (docs/webhooks.md), shared by webhooks and manual runs: 200 with the last
   * node's output, 500 on failure, 202 with the current status when the wait timed out; a
   * respondToWebhook answer as the node said.
   */
  async answer(executionId: string, event: WaitEvent | undefined): Promise<HttpAnswer> {
    if (!event) {
      const status = (await this.executions.findStatus(executionId).catch(() => undefined)) ?? 'RUNNING';
      return { status: 202, body: { executionId, status } };
    }
    if (event.kind === 'response') {
      const { statusCode, body, headers, format } = event.response;
      const answer: HttpAnswer = { status: statusCode, body: body ?? null, headers: allowedAnswerHeaders(headers) };
      if (format === 'text') answer.text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
      return answer;
    }
    const { outcome } = event;
    if (outcome.status === 'COMPLETED') return { status: 200, body: outcome.output ?? null };
    return { status: 500, body: { executionId, status: outcome.status, error: outcome.error } };
  }

  async readOutcome(id: string): Promise<ExecutionOutcome | undefined> {
    const event = await this.read(id, false);
    return event?.kind === 'outcome' ? event.outcome : undefined;
  }

  private async read(id: string, acceptsResponse: boolean): Promise<WaitEvent | undefined> {
    const execution = await this.reads.submit(id);
    if (!execution) return undefined;
    if (acceptsResponse && execution.webhookResponse) return { kind: 'response', response: execution.webhookResponse as WebhookResponse };
    if (!FINAL_STATUSES.includes(execution.status)) return undefined;
    return { kind: 'outcome', outcome: { status: execution.status, output: lastOutput(execution.nodeExecutions), error: execution.error } };
  }
}

/** The output of the node that finished last (docs/webhooks.md, lastNode), from stored records. */
export function lastOutput(records: NodeExecution[]): unknown {
  let last: NodeExecution | undefined;
  for (const record of records) {
    if (!record.completedAt || (record.status !== 'SUCCESS' && record.status !== 'FAILED')) continue;
    if (!last || record.completedAt >= last.completedAt!) last = record;
  }
  return last?.output ?? null;
}
