import type { Sheet } from '@cm/ruleset-sdk';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { RulesetCatalog } from '../plugins/ruleset-catalog.js';
import { CharactersService } from './characters.service.js';
import type { ImportCharacterDto } from './dto/character-requests.dto.js';
import type { CharacterFileDto, ImportedCharacterDto } from './dto/character-responses.dto.js';
import { assertSafeJson } from './safe-json.js';
import { mirrorName } from './character-name.js';

/** The `.cmchar` format version this host writes. */
export const CMCHAR_VERSION = 1;

/**
 * `.cmchar` import/export and foreign imports (e.g. an Optolith hero through dsa5e's importer). Everything
 * is parsed, migrated to the installed ruleset version and validated BEFORE anything is stored.
 */
@Injectable()
export class CharacterFilesService {
  constructor(
    private readonly characters: CharactersService,
    private readonly rulesets: RulesetCatalog,
  ) {}

  async import(userId: string, body: ImportCharacterDto): Promise<ImportedCharacterDto> {
    const parsed =
      body.format === 'cmchar'
        ? await this.parseCmchar(body.document)
        : await this.parseForeign(body.data, body.rulesetId);
    const ruleset = this.characters.requireInstalled(parsed.rulesetId);
    const sheet =
      parsed.rulesetVersion === ruleset.version
        ? parsed.sheet
        : await this.rulesets.migrate(parsed.rulesetId, parsed.sheet, parsed.rulesetVersion);
    await this.characters.validateSheet(
      parsed.rulesetId,
      sheet,
      body.format === 'cmchar' ? 'document.sheet_data' : 'data',
    );
    const name = parsed.name.trim().slice(0, 100) || 'Unnamed';
    const character = await this.characters.insert(userId, {
      rulesetId: parsed.rulesetId,
      name,
      sheet,
      rulesetVersion: ruleset.version,
    });
    return { character: await this.characters.toDto(character, userId, 'owner'), warnings: parsed.warnings };
  }

  /** The character as a `.cmchar` document (owner, or a DM who may read it). */
  async export(userId: string, characterId: string): Promise<CharacterFileDto> {
    const { character } = await this.characters.readable(userId, characterId);
    const current = await this.characters.current(character);
    return {
      cm_version: CMCHAR_VERSION,
      ruleset_id: current.rulesetId,
      ruleset_version: current.rulesetVersion,
      name: current.name,
      sheet_data: mirrorName(current.sheetData, current.name),
      exported_at: new Date().toISOString(),
    };
  }

  private async parseCmchar(document: unknown): Promise<Parsed> {
    assertSafeJson(document, 'document');
    const parsed = await this.rulesets.parseCharacterFile(document).catch((error: unknown) => {
      throw prefixErrors(error, 'document');
    });
    return {
      rulesetId: parsed.rulesetId,
      rulesetVersion: parsed.rulesetVersion,
      name: parsed.name,
      sheet: parsed.sheet,
      warnings: parsed.warnings,
    };
  }

  private async parseForeign(data: unknown, rulesetId: string | undefined): Promise<Parsed> {
    assertSafeJson(data, 'data');
    if (rulesetId !== undefined) this.characters.requireInstalled(rulesetId);
    const imported = await this.rulesets.importForeign(data, rulesetId).catch((error: unknown) => {
      throw prefixErrors(error, 'data');
    });
    return {
      rulesetId: imported.rulesetId,
      rulesetVersion: imported.rulesetVersion,
      name: imported.name,
      sheet: imported.sheet,
      warnings: imported.warnings ?? [],
    };
  }
}

interface Parsed {
  rulesetId: string;
  rulesetVersion: string;
  name: string;
  sheet: Sheet;
  warnings: string[];
}

/** Field errors of a parsed document are reported under the request field that held it. A not_found ruleset is a 422 here. */
function prefixErrors(error: unknown, field: string): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error.code === 'not_found') {
    return new DomainError('validation_failed', error.message, {
      errors: [{ path: `${field}.ruleset_id`, message: error.message }],
    });
  }
  if (error.code !== 'validation_failed') return error;
  const errors = (error.extras.errors ?? []).map((fieldError) => ({
    path: fieldError.path ? `${field}.${fieldError.path}` : field,
    message: fieldError.message,
  }));
  return new DomainError('validation_failed', error.message, { ...error.extras, errors });
}
