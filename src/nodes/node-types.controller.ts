import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { NodeTypeDto } from './dto/node-type.dto.js';
import { describeNodeType } from './node-reference.js';
import { NodeRegistry } from './node-registry.js';

/** The node reference (README.md): generated from the descriptions that validate workflows. */
@ApiTags('node types')
@Controller('node-types')
export class NodeTypesController {
  constructor(private readonly registry: NodeRegistry) {}

  @Get()
  @ApiRoute({
    summary: 'Every node type, by name: parameters, outputs, credentials and an example node',
    description:
      "Each parameter with its type, whether it is required, its default, allowed values, description and JSON Schema; any value may instead be a `{{ expression }}`. The same descriptions validate workflows and generate the per-type node schemas of POST /workflows.",
    type: [NodeTypeDto],
  })
  list(): NodeTypeDto[] {
    return this.registry.all().map(describeNodeType);
  }
}
