import { PROBLEM_CODE_MEANINGS, PROBLEM_CODES, PROBLEM_CONTENT_TYPE } from '@cm/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PROBLEM_REF: ReferenceObject = { $ref: '#/components/schemas/Problem' };

/**
 * Builds the OpenAPI document from the controllers and DTOs. Operation ids are the controller method names
 * (`listGroups`, `getCharacter`: unique across the API, checked here), and every error response of every
 * operation is an RFC 9457 `Problem` whose `code` is one of the stable ProblemCodes.
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Campaign Manager API')
    .setDescription('One backend for the TaleSpire Symbiote, the web app and Discord. Errors are RFC 9457 problems.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller: string, method: string) => method,
  });
  return withProblemResponses(document);
}

/** Serves the document at /v1/openapi.json and Swagger UI at /v1/docs. */
export function setUpOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('v1/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'v1/openapi.json',
    yamlDocumentUrl: 'v1/openapi.yaml',
  });
}

/**
 * Adds the Problem schemas and gives every operation problem bodies on its declared error responses, a 400
 * when it takes input, a 401 when it needs a token, and a `default` problem for everything else (500, 503…).
 */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...problemSchemas() } };
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const id = operation.operationId;
      if (!id) throw new Error(`OpenAPI: ${route} has no operationId`);
      if (seen.has(id)) throw new Error(`OpenAPI: operationId "${id}" is used by ${seen.get(id)} and ${route}`);
      seen.set(id, route);
      addProblemResponses(operation);
    }
  }
  return document;
}

function addProblemResponses(operation: OperationObject): void {
  const responses = operation.responses;
  const takesInput = operation.requestBody !== undefined || (operation.parameters ?? []).length > 0;
  if (takesInput) responses['400'] ??= { description: 'Problem `bad_request`: invalid input (field `errors`)' };
  if ((operation.security ?? []).some((entry) => 'bearer' in entry)) {
    responses['401'] ??= { description: 'Problem `unauthenticated`: missing, invalid or expired access token' };
  }
  responses.default ??= {
    description: 'Any other problem, e.g. 500 `internal_error` or 503 `dependency_unavailable`',
  };
  for (const [status, response] of Object.entries(responses)) {
    if (status !== 'default' && Number(status) < 400) continue;
    const described = response as ResponseObject;
    responses[status] = {
      ...described,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
    };
  }
}

function problemSchemas(): Record<string, SchemaObject> {
  const meanings = PROBLEM_CODES.map((code) => `- \`${code}\`: ${PROBLEM_CODE_MEANINGS[code]}`).join('\n');
  return {
    ProblemCode: {
      type: 'string',
      enum: [...PROBLEM_CODES],
      description: `The stable, machine-readable code of a problem:\n${meanings}`,
    },
    FieldError: {
      type: 'object',
      required: ['path', 'message'],
      properties: {
        path: { type: 'string', example: 'hp.current', description: 'Dotted path into the request' },
        message: { type: 'string', example: 'must be at most hp.max' },
      },
    },
    Problem: {
      type: 'object',
      description: 'An RFC 9457 problem details body (`application/problem+json`)',
      required: ['type', 'title', 'status', 'code'],
      additionalProperties: true,
      properties: {
        type: { type: 'string', example: '/problems/not-found', description: 'A relative URI naming the code' },
        title: { type: 'string', example: 'Not Found' },
        status: { type: 'integer', example: 404 },
        detail: { type: 'string', example: 'Group not found' },
        instance: { type: 'string', example: '/v1/groups/0b7e6a52-3c4d-4e5f-8a9b-1c2d3e4f5a6b' },
        code: { $ref: '#/components/schemas/ProblemCode' },
        errors: {
          type: 'array',
          items: { $ref: '#/components/schemas/FieldError' },
          description: 'Field-level errors (`bad_request`, `validation_failed`)',
        },
        retryAfterSeconds: { type: 'integer', description: 'When to retry (`rate_limited`); also Retry-After' },
        currentVersion: { type: 'integer', description: '`stale_version`: the version to reload' },
        position: { type: 'integer', description: 'Invalid dice notation: where parsing failed' },
        pluginId: { type: 'string', description: '`plugin_failed`: the plugin at fault' },
        failure: { type: 'string', description: '`plugin_failed`: threw, timeout, memory, bad_result, …' },
        checks: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: '`not_ready`: each dependency and its state',
        },
      },
    },
  };
}
