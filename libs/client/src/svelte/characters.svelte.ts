import { ApiError, call, type ClientServices, type Schemas } from './services.js';

export type CharacterSummary = Schemas['CharacterSummaryDto'];
export type CharacterVersion = Schemas['CharacterVersionDto'];
export type CharacterFile = Schemas['CharacterFileDto'];
type FullCharacter = Schemas['CharacterDto'];

/** Portrait files the host accepts (checked before anything is uploaded). */
export const PORTRAIT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const PORTRAIT_MAX_BYTES = 2 * 1024 * 1024;

/** My characters: list, create, import, export, delete, history, portraits. */
export class CharactersState {
  items = $state<CharacterSummary[]>([]);
  loaded = $state(false);
  readonly #services: ClientServices;

  constructor(services: ClientServices) {
    this.#services = services;
  }

  async load(): Promise<void> {
    this.items = await call(this.#services.api.GET('/v1/characters'));
    this.loaded = true;
  }

  async create(input: { rulesetId: string; name: string }): Promise<FullCharacter> {
    const character = await call(this.#services.api.POST('/v1/characters', { body: input }));
    this.items = [...this.items, character];
    return character;
  }

  /** Imports a parsed file: a `.cmchar` document, or another tool's export (e.g. Optolith) for a ruleset. */
  async import(
    data: Record<string, unknown>,
    rulesetId?: string,
  ): Promise<{ character: FullCharacter; warnings: string[] }> {
    const isCmchar = typeof data.cm_version === 'number';
    const body = isCmchar
      ? { format: 'cmchar' as const, document: data }
      : { format: 'foreign' as const, data, ...(rulesetId ? { rulesetId } : {}) };
    const imported = await call(this.#services.api.POST('/v1/characters/import', { body }));
    this.items = [...this.items, imported.character];
    return imported;
  }

  export(id: string): Promise<CharacterFile> {
    return call(this.#services.api.GET('/v1/characters/{id}/export', { params: { path: { id } } }));
  }

  async remove(id: string): Promise<void> {
    await call(this.#services.api.DELETE('/v1/characters/{id}', { params: { path: { id } } }));
    this.items = this.items.filter((item) => item.id !== id);
  }

  history(id: string): Promise<CharacterVersion[]> {
    return call(this.#services.api.GET('/v1/characters/{id}/history', { params: { path: { id } } }));
  }

  /** Restores an old version as a new one (`currentVersion`: the version the page shows). */
  restore(id: string, version: number, currentVersion: number): Promise<FullCharacter> {
    return call(
      this.#services.api.POST('/v1/characters/{id}/history/{version}/restore', {
        params: { path: { id, version } },
        body: { version: currentVersion },
      }),
    );
  }

  /** Why a file cannot be a portrait, or null when it can. */
  static portraitProblem(file: { type: string; size: number }): string | null {
    if (!(PORTRAIT_TYPES as readonly string[]).includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
    if (file.size > PORTRAIT_MAX_BYTES)
      return `The image is ${(file.size / 1048576).toFixed(1)} MB; the limit is 2 MB.`;
    if (file.size === 0) return 'The file is empty.';
    return null;
  }

  /** Checks, asks for an upload URL, uploads the bytes (presigned PUT), confirms; returns the portrait URL. */
  async uploadPortrait(id: string, file: Blob): Promise<string> {
    const problem = CharactersState.portraitProblem(file);
    if (problem) throw new ApiError(400, 'invalid_portrait', problem);
    const contentType = file.type as (typeof PORTRAIT_TYPES)[number];
    const upload = await call(
      this.#services.api.POST('/v1/characters/{id}/portrait', {
        params: { path: { id } },
        body: { contentType, size: file.size },
      }),
    );
    let response: Response;
    try {
      response = await fetch(upload.uploadUrl, { method: upload.method, headers: upload.headers, body: file });
    } catch {
      throw new ApiError(0, 'upload_failed', 'The upload could not reach the storage. Please try again.');
    }
    if (!response.ok)
      throw new ApiError(response.status, 'upload_failed', `The upload was refused (${response.status}).`);
    const confirmed = await call(
      this.#services.api.POST('/v1/characters/{id}/portrait/confirm', {
        params: { path: { id } },
        body: { key: upload.key },
      }),
    );
    this.items = this.items.map((item) => (item.id === id ? { ...item, portraitUrl: confirmed.portraitUrl } : item));
    return confirmed.portraitUrl;
  }
}
