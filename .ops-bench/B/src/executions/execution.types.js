export const EXECUTION_STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELED'];
export const FINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED'];
export const EXECUTION_MODES = ['webhook', 'manual', 'retry', 'resume'];
//# sourceMappingURL=execution.types.js.map