import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CompletionRelay } from '../completion-waiters.js';
import { createRedis } from '../../redis/redis-connection.js';

/**
 * Queue mode's CompletionRelay: the worker that finishes an execution publishes its id on a channel
 * of that execution; the replica where an HTTP request waits for it subscribes for as long as it
 * waits, then reads the outcome from Postgres (messages carry no data, so nothing large or secret
 * travels through Redis). Lost messages (Redis restarting) cost nothing but the waiter's 1 s poll.
 * Executions nobody waits for elsewhere (`unawaited`) are not announced: a PUBLISH per execution
 * was a third of queue mode's Redis commands.
 */
export class RedisCompletionRelay implements CompletionRelay, OnApplicationShutdown {
  private readonly subscriber: Redis;
  /** Fail-fast: an announcement Redis cannot take now is dropped (the waiter's poll covers it), never queued. */
  private readonly publisher: Redis;
  private news: (id: string) => void = () => undefined;
  /**
   * Running here, and nobody waits for their end in another process (QueuedExecution.awaited false,
   * or run where their caller waits): kept by the queue while they are in this process.
   */
  readonly unawaited = new Set<string>();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.publisher = createRedis(url, 'completion-publisher', { failFast: true });
    // Subscriptions are restored by ioredis after a reconnect.
    this.subscriber = createRedis(url, 'completion-news', { failFast: false });
    this.subscriber.on('message', (channel: string) => this.news(channel.slice(this.channelOf('').length)));
  }

  private channelOf(id: string): string {
    return `${this.prefix}:execution-news:${id}`;
  }

  onNews(listener: (id: string) => void): void {
    this.news = listener;
  }

  announce(id: string): void {
    if (this.unawaited.has(id)) return;
    this.publisher.publish(this.channelOf(id), '1').catch(() => undefined);
  }

  watch(id: string): void {
    // The execution may have finished before the subscription took effect: look once more then.
    this.subscriber.subscribe(this.channelOf(id)).then(
      () => this.news(id),
      () => undefined,
    );
  }

  unwatch(id: string): void {
    this.subscriber.unsubscribe(this.channelOf(id)).catch(() => undefined);
  }

  /** After the queue's drain (beforeApplicationShutdown): the last runs' finishes are still announced. */
  onApplicationShutdown(): void {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
