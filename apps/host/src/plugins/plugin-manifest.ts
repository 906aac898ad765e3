import { HOST_API_VERSION, type PluginManifest } from '@cm/ruleset-sdk';
import { Ajv, type ErrorObject } from 'ajv';
import semver from 'semver';
import { isAbsolute, normalize } from 'node:path';

/** The strict JSON Schema of `plugin.json` (unknown fields are errors, so typos never pass silently). */
export const MANIFEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'version', 'kind', 'hostApi', 'entry'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,39}$' },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    version: { type: 'string', minLength: 1, maxLength: 64 },
    kind: { type: 'string', enum: ['ruleset', 'feature'] },
    hostApi: { type: 'string', minLength: 1, maxLength: 64 },
    entry: {
      type: 'object',
      additionalProperties: false,
      required: ['server'],
      properties: { server: { type: 'string', minLength: 1 }, ui: { type: 'string', minLength: 1 } },
    },
    schema: { type: 'string', minLength: 1 },
    fixtures: { type: 'string', minLength: 1 },
    author: { type: 'string', maxLength: 200 },
    license: { type: 'string', maxLength: 100 },
    description: { type: 'string', maxLength: 2000 },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateShape = ajv.compile(MANIFEST_SCHEMA);

/** The outcome of checking one manifest: the manifest when usable, and every problem found. */
export type ManifestCheck =
  { ok: true; manifest: PluginManifest } | { ok: false; errors: string[]; manifest?: Partial<PluginManifest> };

/** Checks a parsed `plugin.json`: shape, semver version and range, entry paths inside the folder, host API compatibility. */
export function checkManifest(raw: unknown, hostApiVersion: string = HOST_API_VERSION): ManifestCheck {
  if (!validateShape(raw)) {
    return { ok: false, errors: (validateShape.errors ?? []).map(describeAjvError), manifest: partial(raw) };
  }
  const manifest = raw as PluginManifest;
  const errors: string[] = [];
  if (!semver.valid(manifest.version))
    errors.push(`manifest: "version" must be a semver version like 1.2.3 (got "${manifest.version}")`);
  if (!semver.validRange(manifest.hostApi)) {
    errors.push(`manifest: "hostApi" must be a semver range like ^1.0.0 (got "${manifest.hostApi}")`);
  }
  const paths: Array<[string, string | undefined]> = [
    ['entry.server', manifest.entry.server],
    ['entry.ui', manifest.entry.ui],
    ['schema', manifest.schema],
    ['fixtures', manifest.fixtures],
  ];
  for (const [field, path] of paths) {
    if (path !== undefined && !isInsideFolder(path))
      errors.push(`manifest: "${field}" must be a relative path inside the plugin folder (got "${path}")`);
  }
  if (errors.length > 0) return { ok: false, errors, manifest };
  if (!semver.satisfies(hostApiVersion, manifest.hostApi)) {
    return {
      ok: false,
      manifest,
      errors: [
        `incompatible host API: the plugin needs host API ${manifest.hostApi}, this host provides ${hostApiVersion}`,
      ],
    };
  }
  return { ok: true, manifest };
}

function isInsideFolder(path: string): boolean {
  if (isAbsolute(path) || path.includes('\\') || path.includes('\0')) return false;
  const normalized = normalize(path);
  return normalized !== '..' && !normalized.startsWith('../') && normalized !== '.';
}

function describeAjvError(error: ErrorObject): string {
  const field = error.instancePath ? `"${error.instancePath.slice(1).replaceAll('/', '.')}"` : 'the manifest';
  if (error.keyword === 'additionalProperties') {
    return `manifest: unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"${error.instancePath ? ` in ${field}` : ''}`;
  }
  if (error.keyword === 'required')
    return `manifest: missing field "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === 'pattern' && error.instancePath === '/id') {
    return 'manifest: "id" must be 2-40 characters of lowercase letters, digits and dashes, starting with a letter';
  }
  if (error.keyword === 'enum')
    return `manifest: ${field} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `manifest: ${field} ${error.message ?? 'is invalid'}`;
}

function partial(raw: unknown): Partial<PluginManifest> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const pick = (key: string): string | undefined => (typeof record[key] === 'string' ? record[key] : undefined);
  return {
    id: pick('id'),
    name: pick('name'),
    version: pick('version'),
    hostApi: pick('hostApi'),
    kind: pick('kind') as PluginManifest['kind'],
  };
}
