import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CompletionRelay } from '../completion-waiters.js';
import { createRedis } from '../../redis/redis-connection.js';

/**
 * Queue mode's CompletionRelay: the worker that finishes an execution publishes its id on one
 * channel, to which every replica subscribes once at start-up; the replica where an HTTP request
 * waits for that id reads the outcome from Postgres (messages carry no data, so nothing large or
 * secret travels through Redis; the other replicas drop the id). A subscription per waiter cost two
 * Redis commands and a read of the row on subscribing (the end might have come before it took
 * effect); the one subscription is in place before any waiter, except at start-up, when a waiter
 * looks once more after it took effect. Lost messages (Redis restarting) cost nothing but the
 * waiter's 1 s poll. Executions nobody waits for elsewhere (`unawaited`) are not announced: a
 * PUBLISH per execution was a third of queue mode's Redis commands.
 */
export class RedisCompletionRelay implements CompletionRelay, OnApplicationShutdown {
  /** Absent in a worker, which has no waiters to tell. */
  private readonly subscriber: Redis | undefined;
  /** Fail-fast: an announcement Redis cannot take now is dropped (the waiter's poll covers it), never queued. */
  private readonly publisher: Redis;
  private readonly channel: string;
  private readonly subscribing: Promise<void>;
  private subscribed = false;
  private news: (id: string) => void = () => undefined;
  /**
   * Running here, and nobody waits for their end in another process (QueuedExecution.awaited false,
   * or run where their caller waits): kept by the queue while they are in this process.
   */
  readonly unawaited = new Set<string>();

  constructor(url: string, prefix: string, listens: boolean) {
    this.channel = `${prefix}:execution-news`;
    this.publisher = createRedis(url, 'completion-publisher', { failFast: true });
    if (!listens) {
      this.subscribing = Promise.resolve();
      return;
    }
    // The subscription is restored by ioredis after a reconnect.
    const subscriber = createRedis(url, 'completion-news', { failFast: false });
    subscriber.on('message', (channel: string, id: string) => {
      if (channel === this.channel) this.news(id);
    });
    this.subscribing = subscriber.subscribe(this.channel).then(
      () => void (this.subscribed = true),
      () => undefined,
    );
    this.subscriber = subscriber;
  }

  onNews(listener: (id: string) => void): void {
    this.news = listener;
  }

  announce(id: string): void {
    if (this.unawaited.has(id)) return;
    this.publisher.publish(this.channel, id).catch(() => undefined);
  }

  watch(id: string): void {
    // Only before the subscription took effect can the end have been announced unheard: look once more then.
    if (!this.subscribed) void this.subscribing.then(() => this.news(id));
  }

  /** After the queue's drain (beforeApplicationShutdown): the last runs' finishes are still announced. */
  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
    this.publisher.disconnect();
  }
}
