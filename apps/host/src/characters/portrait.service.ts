import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { StorageService } from '../storage/storage.service.js';
import { CharactersService } from './characters.service.js';
import { checkPortraitObject, PORTRAIT_CONTENT_TYPES } from './portrait-image.js';
import type { PortraitDto, PortraitUploadDto, RequestPortraitUploadDto } from './portrait.dto.js';

/** How long an upload URL stays valid. */
const UPLOAD_URL_SECONDS = 600;

/**
 * Character portraits (SPEC §5), owner only (a DM who sees the character gets 403): the owner gets a presigned upload URL limited to the declared
 * type and size, uploads straight to the store, then confirms; only a checked object (size, type,
 * magic bytes) becomes the character's portraitUrl. Replaced and removed portraits are deleted.
 */
@Injectable()
export class PortraitService {
  constructor(
    private readonly characters: CharactersService,
    private readonly storage: StorageService,
  ) {}

  async requestUpload(userId: string, characterId: string, body: RequestPortraitUploadDto): Promise<PortraitUploadDto> {
    const character = await this.characters.editable(userId, characterId);
    // Presigning is local computation: ask the store first so a client never gets a URL to a dead store.
    await this.storage.ping();
    const key = `portraits/${character.id}/${randomBytes(16).toString('hex')}.${PORTRAIT_CONTENT_TYPES[body.contentType]}`;
    const upload = await this.storage.presignPut(key, {
      contentType: body.contentType,
      maxBytes: body.size,
      expiresInSeconds: UPLOAD_URL_SECONDS,
    });
    return {
      uploadUrl: upload.url,
      method: upload.method,
      headers: upload.headers,
      key,
      expiresAt: upload.expiresAt.toISOString(),
    };
  }

  async confirm(userId: string, characterId: string, key: string): Promise<PortraitDto> {
    const character = await this.characters.editable(userId, characterId);
    if (!isPortraitKeyOf(character.id, key)) {
      throw new DomainError('validation_failed', 'The key is not a portrait upload of this character', {
        errors: [{ path: 'key', message: 'key must be the key returned with this character’s upload URL' }],
      });
    }
    const failure = await checkPortraitObject(this.storage, key);
    if (failure) {
      await this.storage.deleteQuietly(key);
      throw new DomainError('validation_failed', failure, { errors: [{ path: 'key', message: failure }] });
    }
    const portraitUrl = this.storage.publicUrl(key);
    const old = await this.characters.setPortraitUrl(character.id, portraitUrl);
    if (old && old !== portraitUrl) await this.deleteObjectOf(old);
    return { portraitUrl };
  }

  async remove(userId: string, characterId: string): Promise<void> {
    const character = await this.characters.editable(userId, characterId);
    const old = await this.characters.setPortraitUrl(character.id, null);
    if (old) await this.deleteObjectOf(old);
  }

  /** Deletes the object behind a portrait URL of ours; the URL is already unlinked, so failures only log. */
  private async deleteObjectOf(url: string): Promise<void> {
    const key = this.storage.keyOfPublicUrl(url);
    if (key) await this.storage.deleteQuietly(key);
  }
}

const EXTENSIONS = Object.values(PORTRAIT_CONTENT_TYPES).join('|');

/** True for a key this service generated for the character. */
function isPortraitKeyOf(characterId: string, key: string): boolean {
  return new RegExp(`^portraits/${characterId}/[0-9a-f]{32}\\.(?:${EXTENSIONS})$`).test(key);
}
