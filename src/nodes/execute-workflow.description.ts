import { oneOutput, type NodeTypeDescription } from './node-executor.js';

/** docs/lists-and-subworkflows.md: executions in one chain of sub-workflows, the top one included. */
export const MAX_SUBWORKFLOW_DEPTH = 10;

export const executeWorkflowDescription: NodeTypeDescription = {
  type: 'executeWorkflow',
  displayName: 'Execute workflow',
  parameters: {
    type: 'object',
    properties: {
      workflowId: { type: 'string', required: true, description: "The workflow to run as a child execution (its current version; it need not be active); one the workflow's owner can see" },
      input: { type: 'any', description: "The child's `$trigger.body` / `$context`; default `{{ $json }}`. The child's trigger `requiredFields`/`schema` apply" },
      waitForCompletion: { type: 'boolean', description: 'true (default): pause (WAITING, no worker held) until the child ends and output its last node output; false: output `{ executionId }` at once' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary:
      'Runs another workflow as a child execution (mode `subworkflow`, with `parentExecutionId`/`parentNode`); with `forEach`, one child per element. A recovered or resumed parent never starts a second child for the same node run; cancelling the parent cancels the children it waits for. At most 10 executions deep.',
    output: "with waitForCompletion, the child's last node output (a failed or canceled child fails the node); without, `{ executionId }`",
    example: { name: 'Process order', parameters: { workflowId: '<workflow id>', input: '{{ $json.order }}', waitForCompletion: true } },
  },
};
