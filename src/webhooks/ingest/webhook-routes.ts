import { Injectable } from '@nestjs/common';
import { RouteChanges } from '../../common/route-changes.js';
import { WebhooksRepository, type WebhookRoute } from '../webhooks.repository.js';

export type { WebhookRoute };

/** How long a route is trusted: the most another replica's change can lag here. */
const ROUTE_TTL_MS = 1000;
const CACHE_LIMIT = 10_000;

/**
 * Webhook routes, cached for a second so a busy webhook costs no query per request. A change made
 * in this process evicts the route at once (RouteChanges); one made on another replica is seen
 * within ROUTE_TTL_MS. Unknown ids are not cached, so probing cannot fill memory.
 */
@Injectable()
export class WebhookRoutes {
  private readonly cache = new Map<string, { route: WebhookRoute; until: number }>();
  private readonly loading = new Map<string, Promise<WebhookRoute | undefined>>();
  /** Bumped by every eviction: a load that overlapped one may have read the old row, so it is not cached. */
  private generation = 0;

  constructor(
    private readonly webhooks: WebhooksRepository,
    changes: RouteChanges,
  ) {
    changes.onWebhookChanged((id) => {
      this.generation++;
      this.cache.delete(id);
    });
    changes.onWorkflowChanged((workflowId) => {
      this.generation++;
      for (const [id, entry] of this.cache) if (entry.route.workflowId === workflowId) this.cache.delete(id);
    });
  }

  async find(id: string): Promise<WebhookRoute | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.route;
    // Requests arriving together for a cold route share one query.
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async load(id: string): Promise<WebhookRoute | undefined> {
    const generation = this.generation;
    const route = await this.webhooks.findRoute(id);
    if (route && generation === this.generation) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(id, { route, until: Date.now() + ROUTE_TTL_MS });
    }
    return route;
  }
}
