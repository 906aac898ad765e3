import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, IsUUID, ValidateIf, ValidateNested } from 'class-validator';
import { DomainError } from './domain-error.js';
import { createValidationPipe, nullErrors } from './validation.js';

class Inner {
  @ApiPropertyOptional() @IsOptional() @IsString() label?: string;
}

class Outer {
  @ApiPropertyOptional() @IsOptional() @IsString() name?: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((_object, value) => value !== null)
  @IsUUID()
  clearable!: string | null;

  @ApiPropertyOptional({ type: Inner }) @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner;

  @ApiPropertyOptional({ type: [Inner] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Inner)
  list?: Inner[];
}

describe(nullErrors.name, () => {
  it('refuses null unless the property is documented nullable, in nested DTOs and arrays too', () => {
    expect(nullErrors({ clearable: null }, Outer)).toEqual([]);
    expect(nullErrors({ name: null, inner: { label: null }, list: [{}, { label: null }, null] }, Outer)).toEqual([
      { path: 'name', message: 'name must not be null' },
      { path: 'inner.label', message: 'label must not be null' },
      { path: 'list.1.label', message: 'label must not be null' },
      { path: 'list.2', message: 'must not be null' },
    ]);
  });
});

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Outer });

  it('passes a documented null and an absent optional field', async () => {
    await expect(run({ clearable: null })).resolves.toMatchObject({ clearable: null });
  });

  it('reports null errors together with the other field errors, once per path', async () => {
    const error = (await run({ name: null, clearable: 'not-a-uuid', extra: 1 }).catch(
      (e: unknown) => e,
    )) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.status).toBe(400);
    const paths = (error.extras.errors ?? []).map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'clearable', 'extra']));
    expect(paths.filter((path) => path === 'name')).toHaveLength(1);
  });
});
