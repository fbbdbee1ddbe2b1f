export class InitialSchema1795767737750 {
    name = 'InitialSchema1795767737750';
    async up(queryRunner) {
        await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL, "email" text NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "credentials" ("id" uuid NOT NULL, "ownerId" uuid NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "data" text NOT NULL, "fields" jsonb NOT NULL DEFAULT '[]', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1e38bc43be6697cdda548ad27a6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_379801f7898087892c6d2815e1" ON "credentials"  ("ownerId") `);
        await queryRunner.query(`CREATE TABLE "workflow_executions" ("id" uuid NOT NULL, "workflowId" uuid NOT NULL, "workflowVersion" integer NOT NULL, "webhookId" uuid, "userId" uuid NOT NULL, "mode" text NOT NULL, "status" text NOT NULL, "triggerData" jsonb, "nodeExecutions" jsonb NOT NULL DEFAULT '[]', "error" text, "idempotencyKey" text, "retryOf" uuid, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "startedAt" TIMESTAMP WITH TIME ZONE, "completedAt" TIMESTAMP WITH TIME ZONE, "attempt" integer NOT NULL DEFAULT '0', "leaseOwner" text, "leaseExpiresAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9d49b5c86c267d902145ed42c9d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_webhook_idempotency" ON "workflow_executions"  ("webhookId", "idempotencyKey") WHERE "idempotencyKey" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_status_id" ON "workflow_executions"  ("status", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_user_id" ON "workflow_executions"  ("userId", "id") `);
        await queryRunner.query(`CREATE INDEX "IDX_executions_workflow_id" ON "workflow_executions"  ("workflowId", "id") `);
        await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL, "userId" uuid NOT NULL, "name" text NOT NULL, "prefix" text NOT NULL, "hash" text NOT NULL, "lastUsedAt" TIMESTAMP WITH TIME ZONE, "expiresAt" TIMESTAMP WITH TIME ZONE, "revokedAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_6c2e267ae764a9413b863a2934" ON "api_keys"  ("userId") `);
        await queryRunner.query(`CREATE INDEX "IDX_6f6105c8efe05b310d046cbdb3" ON "api_keys"  ("prefix") `);
        await queryRunner.query(`CREATE TABLE "workflows" ("id" uuid NOT NULL, "ownerId" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "active" boolean NOT NULL DEFAULT false, "nodes" jsonb NOT NULL DEFAULT '[]', "connections" jsonb NOT NULL DEFAULT '{}', "settings" jsonb NOT NULL DEFAULT '{}', "version" integer NOT NULL, "triggerCount" bigint NOT NULL DEFAULT '0', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5b5757cc1cd86268019fef52e0c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_8b3631be84f96922c45f343991" ON "workflows"  ("ownerId", "id") `);
        await queryRunner.query(`CREATE TABLE "webhooks" ("id" uuid NOT NULL, "workflowId" uuid NOT NULL, "method" text NOT NULL, "responseMode" text NOT NULL DEFAULT 'onReceived', "responseTimeoutMs" integer NOT NULL DEFAULT '30000', "authentication" jsonb NOT NULL DEFAULT '{"type":"none"}', "idempotencyHeader" text NOT NULL DEFAULT 'Idempotency-Key', "rateLimit" jsonb, "active" boolean NOT NULL DEFAULT true, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lastTriggeredAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_df72307e3d888fb4a43b163b50" ON "webhooks"  ("workflowId") `);
        await queryRunner.query(`CREATE TABLE "workflow_versions" ("workflowId" uuid NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "nodes" jsonb NOT NULL, "connections" jsonb NOT NULL, "settings" jsonb NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d5b83b99e3e68ee850370bf6487" PRIMARY KEY ("workflowId", "version"))`);
        await queryRunner.query(`ALTER TABLE "credentials" ADD CONSTRAINT "FK_379801f7898087892c6d2815e16" FOREIGN KEY ("ownerId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "FK_6c2e267ae764a9413b863a29342" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "workflows" ADD CONSTRAINT "FK_9a1afdc4e604b491831ded3090c" FOREIGN KEY ("ownerId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "FK_df72307e3d888fb4a43b163b50b" FOREIGN KEY ("workflowId") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }
    async down(queryRunner) {
        await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_df72307e3d888fb4a43b163b50b"`);
        await queryRunner.query(`ALTER TABLE "workflows" DROP CONSTRAINT "FK_9a1afdc4e604b491831ded3090c"`);
        await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_6c2e267ae764a9413b863a29342"`);
        await queryRunner.query(`ALTER TABLE "credentials" DROP CONSTRAINT "FK_379801f7898087892c6d2815e16"`);
        await queryRunner.query(`DROP TABLE "workflow_versions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_df72307e3d888fb4a43b163b50"`);
        await queryRunner.query(`DROP TABLE "webhooks"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_8b3631be84f96922c45f343991"`);
        await queryRunner.query(`DROP TABLE "workflows"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6f6105c8efe05b310d046cbdb3"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6c2e267ae764a9413b863a2934"`);
        await queryRunner.query(`DROP TABLE "api_keys"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_workflow_id"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_user_id"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_status_id"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_webhook_idempotency"`);
        await queryRunner.query(`DROP TABLE "workflow_executions"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_379801f7898087892c6d2815e1"`);
        await queryRunner.query(`DROP TABLE "credentials"`);
        await queryRunner.query(`DROP TABLE "users"`);
    }
}
//# sourceMappingURL=1795767737750-InitialSchema.js.map