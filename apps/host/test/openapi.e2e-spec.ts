import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROBLEM_CODES } from '@cm/contracts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { createHttp } from './support/http.js';
import { startTestHost, type TestHost } from './support/test-host.js';

interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

/** The document the clients are generated from: the one the host serves, readable and typed on every error. */
describe('the OpenAPI document', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let host: TestHost;
  let served: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

  beforeAll(async () => {
    database = await createTestDatabase();
    host = await startTestHost({ DATABASE_URL: database.url });
    served = (await createHttp(host.url)('GET', '/v1/openapi.json')).body;
  });

  afterAll(async () => {
    await host?.stop();
    await database?.drop();
  });

  const operations = (): Array<[string, Operation]> =>
    Object.entries(served.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        operation,
      ]),
    );

  it('is exactly the committed libs/client/openapi.json (built offline by npm run openapi)', async () => {
    const committed = JSON.parse(await readFile(join(process.cwd(), 'libs/client/openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('names every operation with a unique verb-first camelCase id', () => {
    const ids = operations().map(([, operation]) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z]+[A-Z][A-Za-z]*$|^[a-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(served.paths['/v1/groups'].get.operationId).toBe('listGroups');
    expect(served.paths['/v1/characters/{id}'].get.operationId).toBe('getCharacter');
    expect(served.paths['/v1/auth/register'].post.operationId).toBe('register');
  });

  it('gives every error response of every operation the Problem schema, and every operation a default problem', () => {
    for (const [route, operation] of operations()) {
      expect([route, Object.keys(operation.responses)]).toEqual([route, expect.arrayContaining(['default'])]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status !== 'default' && Number(status) < 400) continue;
        expect([route, status, response.content]).toEqual([
          route,
          status,
          { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        ]);
      }
    }
  });

  it('lists the stable problem codes as the ProblemCode enum', () => {
    expect(served.components.schemas.ProblemCode.enum).toEqual([...PROBLEM_CODES]);
    expect(served.components.schemas.Problem.properties.code).toEqual({ $ref: '#/components/schemas/ProblemCode' });
    expect(served.components.schemas.ProblemCode.enum).toEqual(
      expect.arrayContaining(['stale_version', 'invite_expired', 'invite_revoked', 'invite_used_up', 'invalid_token']),
    );
  });

  it('types shared enums once, from the contracts', () => {
    const { schemas } = served.components;
    expect(schemas.RollSource.enum).toEqual(['server', 'talespire', 'discord']);
    expect(schemas.RollDto.properties.source).toMatchObject({ allOf: [{ $ref: '#/components/schemas/RollSource' }] });
    expect(schemas.GroupRole.enum).toEqual(['dm', 'player']);
  });
});
