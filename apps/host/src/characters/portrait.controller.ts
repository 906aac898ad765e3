import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator.js';
import { ConfirmPortraitDto, PortraitDto, PortraitUploadDto, RequestPortraitUploadDto } from './portrait.dto.js';
import { PortraitService } from './portrait.service.js';

@ApiTags('characters')
@ApiBearerAuth()
@ApiNotFoundResponse({ description: 'No such character, or not yours' })
@ApiServiceUnavailableResponse({ description: 'The object store is unavailable' })
@Controller('characters/:id/portrait')
export class PortraitController {
  constructor(private readonly portraits: PortraitService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Get a presigned URL to upload a portrait (PNG, JPEG or WebP, at most 2 MiB)' })
  @ApiOkResponse({ type: PortraitUploadDto })
  async requestPortraitUpload(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: RequestPortraitUploadDto,
  ): Promise<PortraitUploadDto> {
    return this.portraits.requestUpload(caller.id, id, body);
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the uploaded object and make it the portrait (the previous one is deleted)' })
  @ApiOkResponse({ type: PortraitDto })
  @ApiUnprocessableEntityResponse({
    description: 'The upload is missing, too large, or not a PNG/JPEG/WebP image (it is deleted)',
  })
  async confirmPortrait(
    @CurrentUser() caller: AuthUser,
    @Param('id') id: string,
    @Body() body: ConfirmPortraitDto,
  ): Promise<PortraitDto> {
    return this.portraits.confirm(caller.id, id, body.key);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the portrait (its object is deleted)' })
  @ApiNoContentResponse()
  async deletePortrait(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<void> {
    await this.portraits.remove(caller.id, id);
  }
}
