import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SchedulesRepository } from '../schedules/schedules.repository.js';
import { WorkflowEntity } from './workflow.entity.js';
import type { WorkflowConnections, WorkflowNode, WorkflowSettings } from './workflow.types.js';

/** A workflow as lists show it: without its graph. */
export type WorkflowSummary = Omit<WorkflowEntity, 'nodes' | 'connections' | 'owner'>;

export interface WorkflowListFilter {
  /** Only this owner's workflows; undefined for all (admins). */
  ownerId?: string;
  active?: boolean;
  /** Case-insensitive substring of the name. */
  search?: string;
  /** The last id of the previous page. */
  cursor?: string;
  limit: number;
}

/** One stored version of a definition, as the engine runs it and the execution view draws it. */
export interface WorkflowVersionDefinition {
  name: string;
  nodes: WorkflowNode[];
  connections: WorkflowConnections;
  settings: WorkflowSettings;
}

/** What starting a run of a workflow needs to know of it. */
export interface WorkflowRunTarget {
  ownerId: string;
  version: number;
  active: boolean;
}

export interface WorkflowValues {
  name: string;
  description: string;
  nodes: WorkflowNode[];
  connections: WorkflowConnections;
  settings: WorkflowSettings;
}

type WorkflowRow = Omit<WorkflowEntity, 'triggerCount'> & { triggerCount: string | number };

const SUMMARY_COLUMNS = 'id, "ownerId", name, description, active, settings, version, "triggerCount", "createdAt", "updatedAt"';

/** `bigint` arrives as a string from pg; raw rows skip the entity's transformer, so convert here. */
const toEntity = (row: WorkflowRow): WorkflowEntity => Object.assign(new WorkflowEntity(), row, { triggerCount: Number(row.triggerCount) });

const json = (value: unknown): string => JSON.stringify(value);

/** LIKE treats `%`, `_` and `\` specially; a search for "50%" means those characters literally. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/**
 * Every workflows query. Writes are explicit SQL so that `version` moves by exactly one per change
 * (`version + 1`, checked in the WHERE for PUT) instead of through TypeORM's @VersionColumn
 * bookkeeping, and the snapshot copies the row as written.
 */
@Injectable()
export class WorkflowsRepository {
  private readonly manager: EntityManager;

  constructor(dataSource: DataSource) {
    this.manager = dataSource.manager;
  }

  /**
   * `work` gets a repository bound to the transaction: every query inside must go through it (the
   * embedded PGlite serialises connections, so a query on another one would wait forever).
   */
  transaction<T>(work: (repository: WorkflowsRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new WorkflowsRepository({ manager } as DataSource)));
  }

  /** The workflow's schedule row, through the same connection (and transaction) as this repository. */
  get schedules(): SchedulesRepository {
    return SchedulesRepository.forManager(this.manager);
  }

  /** Webhook ids of a workflow: a schedule workflow may have none (docs/schedules.md). */
  async webhookIds(workflowId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager.query('SELECT id FROM webhooks WHERE "workflowId" = $1 ORDER BY id LIMIT 10', [workflowId]);
    return rows.map((row) => row.id);
  }

  async findById(id: string, ownerId?: string): Promise<WorkflowEntity | null> {
    const rows: WorkflowRow[] = ownerId
      ? await this.manager.query('SELECT * FROM workflows WHERE id = $1 AND "ownerId" = $2', [id, ownerId])
      : await this.manager.query('SELECT * FROM workflows WHERE id = $1', [id]);
    return rows.length ? toEntity(rows[0]) : null;
  }

  /** Newest first, `limit + 1` rows (the extra one says another page exists); no nodes or connections. */
  async list(filter: WorkflowListFilter): Promise<WorkflowSummary[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (filter.ownerId) conditions.push(`"ownerId" = ${param(filter.ownerId)}`);
    if (filter.active !== undefined) conditions.push(`active = ${param(filter.active)}`);
    if (filter.search) conditions.push(`name ILIKE ${param(`%${likeEscape(filter.search)}%`)}`);
    if (filter.cursor) conditions.push(`id < ${param(filter.cursor)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows: WorkflowRow[] = await this.manager.query(`SELECT ${SUMMARY_COLUMNS} FROM workflows ${where} ORDER BY id DESC LIMIT ${param(filter.limit + 1)}`, params);
    return rows.map(toEntity);
  }

  async insert(id: string, ownerId: string, values: WorkflowValues, active: boolean): Promise<WorkflowEntity> {
    const rows: WorkflowRow[] = await this.manager.query(
      `INSERT INTO workflows (id, "ownerId", name, description, active, nodes, connections, settings, version)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, 1) RETURNING *`,
      [id, ownerId, values.name, values.description, active, json(values.nodes), json(values.connections), json(values.settings)],
    );
    return toEntity(rows[0]);
  }

  /** Full replace, only if the row is still at `expectedVersion`; null otherwise. `active` undefined keeps it. */
  replace(id: string, expectedVersion: number, values: WorkflowValues, active: boolean | undefined): Promise<WorkflowEntity | null> {
    return this.updateOne(
      `UPDATE workflows SET name = $3, description = $4, active = COALESCE($5, active), nodes = $6::jsonb, connections = $7::jsonb, settings = $8::jsonb,
         version = version + 1, "updatedAt" = now()
       WHERE id = $1 AND version = $2 RETURNING *`,
      [id, expectedVersion, values.name, values.description, active ?? null, json(values.nodes), json(values.connections), json(values.settings)],
    );
  }

  /** Changes the given fields only; undefined ones keep their value. */
  patch(id: string, changes: { name?: string; description?: string; settings?: WorkflowSettings }): Promise<WorkflowEntity | null> {
    return this.updateOne(
      `UPDATE workflows SET name = COALESCE($2, name), description = COALESCE($3, description), settings = COALESCE($4::jsonb, settings),
         version = version + 1, "updatedAt" = now()
       WHERE id = $1 RETURNING *`,
      [id, changes.name ?? null, changes.description ?? null, changes.settings === undefined ? null : json(changes.settings)],
    );
  }

  /** Null when the workflow is missing or already in that state (so a repeat is not a change). */
  setActive(id: string, active: boolean): Promise<WorkflowEntity | null> {
    return this.updateOne(`UPDATE workflows SET active = $2, version = version + 1, "updatedAt" = now() WHERE id = $1 AND active <> $2 RETURNING *`, [id, active]);
  }

  /** Copies the definition as it now stands into workflow_versions; call in the transaction that changed it. */
  async insertSnapshot(workflowId: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO workflow_versions ("workflowId", version, name, nodes, connections, settings)
       SELECT id, version, name, nodes, connections, settings FROM workflows WHERE id = $1`,
      [workflowId],
    );
  }

  async currentVersion(id: string): Promise<number | null> {
    const rows: Array<{ version: number }> = await this.manager.query('SELECT version FROM workflows WHERE id = $1', [id]);
    return rows[0]?.version ?? null;
  }

  /** The workflow's current version and owner, for starting a run of it. */
  async findRunTarget(id: string): Promise<WorkflowRunTarget | undefined> {
    const rows: WorkflowRunTarget[] = await this.manager.query('SELECT "ownerId", version, active FROM workflows WHERE id = $1', [id]);
    return rows[0];
  }

  /** The workflow's owner, for access checks; `ownerId` set: only if that user owns it. */
  async findOwner(id: string, ownerId?: string): Promise<{ id: string; ownerId: string } | undefined> {
    const rows: Array<{ id: string; ownerId: string }> =
      ownerId === undefined
        ? await this.manager.query('SELECT id, "ownerId" FROM workflows WHERE id = $1', [id])
        : await this.manager.query('SELECT id, "ownerId" FROM workflows WHERE id = $1 AND "ownerId" = $2', [id, ownerId]);
    return rows[0];
  }

  /** True when the workflow's trigger is a `schedule` (docs/schedules.md: no webhook can be attached to it). */
  async hasScheduleTrigger(id: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(`SELECT 1 FROM workflows WHERE id = $1 AND nodes @> '[{"type":"schedule"}]'::jsonb`, [id]);
    return rows.length > 0;
  }

  /** Adds counted triggers to `triggerCount`, every workflow in one statement. */
  async addTriggerCounts(counts: Map<string, number>): Promise<void> {
    await this.manager.query(`UPDATE workflows w SET "triggerCount" = w."triggerCount" + v.n FROM unnest($1::uuid[], $2::int[]) AS v(id, n) WHERE w.id = v.id`, [
      [...counts.keys()],
      [...counts.values()],
    ]);
  }

  /** Versions outlive their workflow (no foreign key), so this answers after a delete too. */
  async findVersionDefinition(workflowId: string, version: number): Promise<WorkflowVersionDefinition | undefined> {
    const rows: WorkflowVersionDefinition[] = await this.manager.query(
      'SELECT name, nodes, connections, settings FROM workflow_versions WHERE "workflowId" = $1 AND version = $2',
      [workflowId, version],
    );
    return rows[0];
  }

  /** Webhooks go with it (foreign key cascade); executions and snapshots stay. */
  async delete(id: string): Promise<boolean> {
    const [, deleted] = (await this.manager.query('DELETE FROM workflows WHERE id = $1', [id])) as [unknown, number];
    return deleted > 0;
  }

  /** The workflows among `ids` that `userId` can see: all of them for an admin, their own for a member. */
  async findVisibleWorkflows(ids: string[], userId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager.query(
      `SELECT w.id FROM workflows w
        WHERE w.id = ANY($1::uuid[])
          AND (w."ownerId" = $2 OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role = 'admin'))`,
      [ids, userId],
    );
    return rows.map((row) => row.id);
  }

  /** TypeORM answers an UPDATE with [rows, affected]. */
  private async updateOne(sql: string, params: unknown[]): Promise<WorkflowEntity | null> {
    const [rows] = (await this.manager.query(sql, params)) as [WorkflowRow[], number];
    return rows.length ? toEntity(rows[0]) : null;
  }
}
