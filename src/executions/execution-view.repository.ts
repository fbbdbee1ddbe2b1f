import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WorkflowConnections, WorkflowNode } from '../workflows/workflow.types.js';

export interface ViewedWorkflow {
  name: string;
  nodes: WorkflowNode[];
  connections: WorkflowConnections;
}

/** What the execution view reads besides the execution: the workflow version it ran. */
@Injectable()
export class ExecutionViewRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Versions outlive their workflow (no foreign key), so this answers after a delete too. */
  async workflowVersion(workflowId: string, version: number): Promise<ViewedWorkflow | undefined> {
    const rows: ViewedWorkflow[] = await this.dataSource.query('SELECT name, nodes, connections FROM workflow_versions WHERE "workflowId" = $1 AND version = $2', [workflowId, version]);
    return rows[0];
  }
}
