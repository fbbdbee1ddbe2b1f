/** Nest multi-provider token under which every executor registers. */
export const NODE_EXECUTORS = Symbol('NODE_EXECUTORS');
export const oneOutput = () => 1;
//# sourceMappingURL=node-executor.js.map