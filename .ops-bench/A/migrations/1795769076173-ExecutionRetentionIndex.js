export class ExecutionRetentionIndex1795769076173 {
    name = 'ExecutionRetentionIndex1795769076173';
    async up(queryRunner) {
        await queryRunner.query(`CREATE INDEX "IDX_executions_completed_at" ON "workflow_executions"  ("completedAt") `);
    }
    async down(queryRunner) {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_completed_at"`);
    }
}
//# sourceMappingURL=1795769076173-ExecutionRetentionIndex.js.map