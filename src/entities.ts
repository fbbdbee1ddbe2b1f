import { CredentialEntity } from './credentials/credential.entity.js';
import { ErrorWorkflowOutboxEntity } from './executions/error-workflows/error-workflow-outbox.entity.js';
import { ExecutionEntity } from './executions/execution.entity.js';
import { ExecutionKeyEntity } from './executions/execution-key.entity.js';
import { InstanceSettingsEntity } from './settings/instance-settings.entity.js';
import { ApiKeyEntity } from './users/api-key.entity.js';
import { WorkflowScheduleEntity } from './schedules/workflow-schedule.entity.js';
import { UserEntity } from './users/user.entity.js';
import { WebhookEntity } from './webhooks/webhook.entity.js';
import { WorkflowVersionEntity } from './workflows/workflow-version.entity.js';
import { WorkflowEntity } from './workflows/workflow.entity.js';

/**
 * Every entity, for the DataSource. Listed as classes, not globs: globs break under vitest and match
 * .d.ts files in dist. Kept at the top like migrations/index.ts, so that database/ names no domain folder.
 */
export const ENTITIES = [UserEntity, ApiKeyEntity, WorkflowEntity, WorkflowVersionEntity, CredentialEntity, WebhookEntity, ExecutionEntity, ExecutionKeyEntity, InstanceSettingsEntity, ErrorWorkflowOutboxEntity, WorkflowScheduleEntity];
