import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { oneOutput, type NodeTypeDescription } from './node-executor.js';
import { addNodeSchemas } from './node-openapi.js';
import { describeNodeType, EXPRESSION_SCHEMA, toJsonSchema, typeLabel } from './node-reference.js';

const bare: NodeTypeDescription = {
  type: 'fresh',
  displayName: 'Fresh',
  parameters: { type: 'object', properties: { size: { type: 'number', integer: true, min: 1 } } },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
};

describe('toJsonSchema', () => {
  it('lets every value but a plain string be an expression instead', () => {
    expect(toJsonSchema({ type: 'string', maxLength: 5, description: 'd' })).toEqual({ type: 'string', maxLength: 5, description: 'd' });
    expect(toJsonSchema({ type: 'string', enum: ['a', 'b'], default: 'a' })).toEqual({ default: 'a', anyOf: [{ type: 'string', enum: ['a', 'b'] }, EXPRESSION_SCHEMA] });
    expect(toJsonSchema({ type: 'boolean' })).toEqual({ anyOf: [{ type: 'boolean' }, EXPRESSION_SCHEMA] });
    expect(toJsonSchema({ type: 'any', description: 'x' })).toEqual({ description: 'x' });
  });

  it('keeps bounds, nested objects, required fields and what extra keys may hold', () => {
    const schema = toJsonSchema({
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: { id: { type: 'number', min: 0, max: 9, required: true }, tag: { type: 'string' } }, additional: 'any' },
    });
    expect(schema).toEqual({
      anyOf: [
        {
          type: 'array',
          minItems: 1,
          items: {
            anyOf: [
              {
                type: 'object',
                properties: { id: { anyOf: [{ type: 'number', minimum: 0, maximum: 9 }, EXPRESSION_SCHEMA] }, tag: { type: 'string' } },
                required: ['id'],
                additionalProperties: true,
              },
              EXPRESSION_SCHEMA,
            ],
          },
        },
        EXPRESSION_SCHEMA,
      ],
    });
    expect(toJsonSchema({ type: 'oneOf', options: [{ type: 'string' }, { type: 'number', integer: true }] })).toEqual({
      anyOf: [{ type: 'string' }, { anyOf: [{ type: 'integer' }, EXPRESSION_SCHEMA] }, EXPRESSION_SCHEMA],
    });
  });

  it('names types for people', () => {
    expect(typeLabel({ type: 'oneOf', options: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })).toBe('string | array of string');
    expect(typeLabel({ type: 'number', integer: true })).toBe('integer');
  });
});

describe('describeNodeType', () => {
  it('still lists a type without documentation, with what its schema says', () => {
    expect(describeNodeType(bare)).toMatchObject({
      type: 'fresh',
      summary: null,
      example: null,
      outputs: { count: 1, description: null, output: null },
      parameters: [{ name: 'size', type: 'integer', required: false, description: null }],
    });
  });
});

describe('addNodeSchemas', () => {
  const document = (): OpenAPIObject =>
    ({
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: {
        schemas: {
          WorkflowNodeDto: { type: 'object', required: ['id', 'name', 'type'], properties: { id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, parameters: { type: 'object' } } },
          Holder: { type: 'object', properties: { nodes: { type: 'array', items: { $ref: '#/components/schemas/WorkflowNodeDto' } }, other: { type: 'string' } } },
        },
      },
    }) as OpenAPIObject;

  it('puts a union discriminated by type wherever a list of nodes is', () => {
    const doc = document();
    addNodeSchemas(doc, [bare]);
    const schemas = doc.components!.schemas as Record<string, any>;
    expect(schemas.Holder.properties.nodes.items).toEqual({ oneOf: [{ $ref: '#/components/schemas/FreshNode' }], discriminator: { propertyName: 'type', mapping: { fresh: '#/components/schemas/FreshNode' } } });
    expect(schemas.FreshNode.properties.type).toEqual({ type: 'string', enum: ['fresh'], description: 'The node type' });
    expect(schemas.FreshNode.properties.parameters.properties.size).toEqual({ anyOf: [{ type: 'integer', minimum: 1 }, { $ref: '#/components/schemas/Expression' }] });
    expect(schemas.FreshNode.properties.credentials.maxProperties).toBe(0);
    expect(schemas.FreshNode.required).toEqual(['id', 'name', 'type']);
  });

  it('refuses a node type whose schema name is taken', () => {
    const doc = document();
    (doc.components!.schemas as Record<string, unknown>).FreshNode = { type: 'object' };
    expect(() => addNodeSchemas(doc, [bare])).toThrow('OpenAPI schema FreshNode (node type fresh) clashes with another schema');
  });
});
