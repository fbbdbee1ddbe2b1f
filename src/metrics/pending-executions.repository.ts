import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PendingBacklog } from './metrics.service.js';

/** A scrape must answer even when the database is slow: past this the last known values are kept. */
const QUERY_TIMEOUT_MS = 1000;
/** Counting stops here: the gauge's job is to show a backlog, and an exact count of millions costs a scan. */
const COUNT_CAP = 100_000;

/** The backlog of PENDING executions, read at scrape time. */
@Injectable()
export class PendingExecutionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One round trip over the (status, id) index. Past the cap the count stops and the oldest is taken
   * among the first rows by id, which is creation order for UUID v7: close enough to raise an alert.
   */
  async read(): Promise<PendingBacklog> {
    const query = this.dataSource.query(
      `SELECT count(*)::int AS count, COALESCE(EXTRACT(EPOCH FROM now() - min(p."createdAt")), 0)::float8 AS age
         FROM (SELECT "createdAt" FROM workflow_executions WHERE status = 'PENDING' LIMIT ${COUNT_CAP}) p`,
    ) as Promise<Array<{ count: number; age: number }>>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`pending executions query took over ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS);
    });
    try {
      const [row] = await Promise.race([query, timeout]);
      return { count: Number(row.count), oldestAgeSeconds: Math.max(0, Number(row.age)) };
    } finally {
      clearTimeout(timer);
      query.catch(() => undefined);
    }
  }
}
