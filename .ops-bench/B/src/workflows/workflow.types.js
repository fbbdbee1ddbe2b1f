export {};
//# sourceMappingURL=workflow.types.js.map