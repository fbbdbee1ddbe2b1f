import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JsonSchema, NodeTypeReference, ParameterReference } from '../node-reference.js';

export class NodeParameterDto implements ParameterReference {
  @ApiProperty({ example: 'method' }) name: string;
  @ApiProperty({ example: 'string', description: '`string`, `number`, `integer`, `boolean`, `object`, `any`, `array of …`, or alternatives joined by `|`' }) type: string;
  @ApiProperty() required: boolean;
  @ApiPropertyOptional({ description: 'The value used when the parameter is absent', example: 'GET' }) default?: unknown;
  @ApiPropertyOptional({ type: [String], example: ['GET', 'POST'] }) allowedValues?: readonly string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the value: bounds and nested fields. Any value may also be a `{{ expression }}`' }) schema: JsonSchema;
  @ApiPropertyOptional({ type: () => [NodeParameterDto], description: 'The fields of an object parameter, or of each object of an array parameter' }) fields?: NodeParameterDto[];
}

export class NodeOutputsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'How many outputs; null when it depends on the parameters (see description)', example: 1 }) count: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'How the outputs are numbered, for types with several' }) description: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The JSON value the node outputs' }) output: string | null;
}

export class NodeCredentialsDto {
  @ApiProperty({ type: [String], example: ['resend'], description: 'Credential types the node accepts in `credentials`' }) types: string[];
  @ApiProperty({ description: 'Whether one of them is required' }) required: boolean;
}

export class NodeTypeDto implements NodeTypeReference {
  @ApiProperty({ example: 'httpRequest' }) type: string;
  @ApiProperty({ example: 'HTTP request' }) displayName: string;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: [NodeParameterDto] }) parameters: NodeParameterDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the whole `parameters` object' }) parametersSchema: JsonSchema;
  @ApiProperty({ type: NodeOutputsDto }) outputs: NodeOutputsDto;
  @ApiProperty({ type: NodeCredentialsDto }) credentials: NodeCredentialsDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'A node of this type that passes validation; replace `<credential id>` with the id of one of your credentials',
  })
  example: Record<string, unknown> | null;
}
