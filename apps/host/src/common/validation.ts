import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from './domain-error.js';

/** Flattens class-validator errors into field errors with dotted paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...toFieldErrors(error.children ?? [], path)];
  });
}

type Dto = abstract new (...args: never[]) => unknown;

// @nestjs/swagger's metadata keys (its DECORATORS constants are not exported from the package root).
const PROPERTY_DOC = 'swagger/apiModelProperties';
const PROPERTY_LIST = 'swagger/apiModelPropertiesArray';

interface PropertyDoc {
  nullable?: boolean;
  type?: unknown;
}

function propertyDoc(dto: Dto, key: string): PropertyDoc | undefined {
  return Reflect.getMetadata(PROPERTY_DOC, dto.prototype as object, key) as PropertyDoc | undefined;
}

/** The DTO class a documented property holds (`type: X`, `type: [X]` or `type: () => X`), if any. */
function nestedDto(type: unknown): Dto | undefined {
  if (typeof type !== 'function') return undefined;
  const isDto = (candidate: unknown): candidate is Dto =>
    typeof candidate === 'function' &&
    candidate.prototype !== undefined &&
    Reflect.hasMetadata(PROPERTY_LIST, candidate.prototype as object);
  if (isDto(type)) return type;
  if (type.prototype !== undefined) return undefined; // String, Number, Object, …
  const resolved: unknown = (type as () => unknown)();
  return isDto(resolved) ? resolved : undefined;
}

/**
 * `null` is refused for every property whose OpenAPI document does not say `nullable: true`, in nested DTOs
 * too: `@IsOptional()` lets null through, and it then reaches a NOT NULL column (500). Where null means
 * something (clearing the active group), the DTO documents it as nullable.
 */
export function nullErrors(value: unknown, dto: Dto, parent = ''): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const errors: FieldError[] = [];
  for (const [key, child] of Object.entries(value)) {
    const doc = propertyDoc(dto, key);
    if (!doc) continue; // an unknown property: the whitelist refuses it
    const path = parent ? `${parent}.${key}` : key;
    if (child === null) {
      if (!doc.nullable) errors.push({ path, message: `${key} must not be null` });
      continue;
    }
    const nested = nestedDto(doc.type);
    if (!nested) continue;
    const items: unknown[] = Array.isArray(child) ? child : [child];
    items.forEach((item, index) => {
      const itemPath = Array.isArray(child) ? `${path}.${index}` : path;
      if (item === null) errors.push({ path: itemPath, message: 'must not be null' });
      else errors.push(...nullErrors(item, nested, itemPath));
    });
  }
  return errors;
}

/**
 * The global pipe: transforms DTOs, rejects unknown fields and undocumented nulls, and reports every field
 * error at once. (Strings, keys and numbers no route may take are refused earlier, by the body parser.)
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => invalidBody(toFieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.type === 'body' && !metadata.data ? metadata.metatype : undefined;
    const nulls = typeof dto === 'function' ? nullErrors(value, dto as Dto) : [];
    if (nulls.length === 0) return super.transform(value, metadata) as Promise<unknown>;
    const others = await (super.transform(value, metadata) as Promise<unknown>).then(
      () => [],
      (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        return error.extras.errors ?? [];
      },
    );
    const nullPaths = new Set(nulls.map((error) => error.path));
    throw invalidBody([...nulls, ...others.filter((error) => !nullPaths.has(error.path))]);
  }
}

/** The global pipe (see StrictValidationPipe). */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe();
}

function invalidBody(errors: FieldError[]): DomainError {
  return new DomainError('bad_request', 'The request body is invalid', { errors });
}
