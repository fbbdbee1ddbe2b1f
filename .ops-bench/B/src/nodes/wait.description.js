import { oneOutput } from './node-executor.js';
export const waitDescription = {
    type: 'wait',
    displayName: 'Wait',
    parameters: {
        type: 'object',
        properties: {
            mode: { type: 'string', enum: ['duration', 'resume'], required: true },
            durationMs: { type: 'number', integer: true, min: 0, max: 30 * 24 * 3600 * 1000 },
            timeoutMs: { type: 'number', integer: true, min: 1, max: 30 * 24 * 3600 * 1000 },
        },
    },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: true,
    validate(node) {
        const { mode, durationMs } = node.parameters;
        return mode === 'duration' && durationMs === undefined ? ['parameter "durationMs" is required when mode is duration'] : [];
    },
};
//# sourceMappingURL=wait.description.js.map