import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { WorkflowNode } from '../workflow.types.js';

/**
 * One node of a definition (docs/workflows.md). Only the shape is checked here. The retry, timeout and
 * disabled fields are merely allowed (@Allow): the workflow validator checks their types and ranges,
 * as it does the type's parameter schema and the graph, with messages that name the node.
 *
 * `parameters` and `credentials` carry no nested @Type on purpose: class-transformer then copies
 * them as plain objects and the whitelist leaves their contents alone.
 */
export class WorkflowNodeDto implements WorkflowNode {
  @ApiProperty({ example: 'a1', description: 'Stable id, unique in the workflow' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;

  @ApiProperty({ example: 'Webhook', description: 'Unique in the workflow; connections and `$node` refer to nodes by name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'trigger', description: 'A node type: GET /node-types lists them with their parameters' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  type: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { requiredFields: ['email'] }, description: "The type's parameters (GET /node-types lists each type's); any value may be a `{{ expression }}`" })
  @IsOptional()
  @IsObject()
  parameters: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { resend: { id: '0190a1b2-…' } }, description: '`{ <credential type>: { id } }`' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, { id: string; name?: string }>;

  @ApiPropertyOptional({ description: 'Retry a failed try, up to maxTries tries in all' })
  @Allow()
  retryOnFail?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 })
  @Allow()
  maxTries?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60_000, description: 'ms before the second try, doubled after each failed try' })
  @Allow()
  waitBetweenTries?: number;

  @ApiPropertyOptional({ description: 'After the last failed try, record FAILED, output `{ error }` and go on' })
  @Allow()
  continueOnFail?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 3_600_000, description: 'ms per try (default 60000)' })
  @Allow()
  timeoutMs?: number;

  @ApiPropertyOptional({ description: 'A disabled node passes its input through' })
  @Allow()
  disabled?: boolean;

  @ApiPropertyOptional({
    example: '{{ $json.orders }}',
    description:
      'An expression yielding an array: the node runs once per element with `$item` and `$index` bound, and outputs the array of the elements\' outputs in element order (at most 10,000 elements). Not on trigger, merge, wait or respondToWebhook nodes.',
  })
  @Allow()
  forEach?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, example: 5, description: 'Elements run at once under forEach (default 1)' })
  @Allow()
  forEachConcurrency?: number;

  @ApiPropertyOptional({ example: [250, 300], description: 'Kept for editors; the engine ignores it' })
  @Allow()
  position?: unknown;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  notes?: string;
}
