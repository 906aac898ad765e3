import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { PORTRAIT_CONTENT_TYPES, PORTRAIT_MAX_BYTES, type PortraitContentType } from './portrait-image.js';

const CONTENT_TYPES = Object.keys(PORTRAIT_CONTENT_TYPES) as PortraitContentType[];

export class RequestPortraitUploadDto {
  @ApiProperty({ enum: CONTENT_TYPES, description: 'The image type the client will upload' })
  @IsIn(CONTENT_TYPES, { message: `contentType must be one of ${CONTENT_TYPES.join(', ')}` })
  contentType!: PortraitContentType;

  @ApiProperty({
    minimum: 1,
    maximum: PORTRAIT_MAX_BYTES,
    description: 'The exact size of the file in bytes (at most 2 MiB)',
  })
  @IsInt()
  @Min(1)
  @Max(PORTRAIT_MAX_BYTES, { message: `size must not be greater than ${PORTRAIT_MAX_BYTES} bytes (2 MiB)` })
  size!: number;
}

export class PortraitUploadDto {
  @ApiProperty({ description: 'Where to send the bytes: a presigned object-store URL or a host-signed upload URL' })
  uploadUrl!: string;

  @ApiProperty({ enum: ['PUT'] })
  method!: 'PUT';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Headers to send with the upload (Content-Type); the body must be exactly `size` bytes',
  })
  headers!: Record<string, string>;

  @ApiProperty({ description: 'The object key to confirm once the upload succeeded' })
  key!: string;

  @ApiProperty({ format: 'date-time', description: 'The upload URL stops working after this' })
  expiresAt!: string;
}

export class ConfirmPortraitDto {
  @ApiProperty({ description: 'The key returned with the upload URL' })
  @IsString()
  @MaxLength(512)
  key!: string;
}

export class PortraitDto {
  @ApiProperty({ description: 'The public URL of the character’s portrait' })
  portraitUrl!: string;
}
