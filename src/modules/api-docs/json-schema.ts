import { z } from 'zod';

/** A JSON Schema as z.toJSONSchema writes it. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

export interface ConvertOptions {
  /** `input` for what Parley accepts (bodies, queries, payloads); `output` for what it answers. */
  io: 'input' | 'output';
  /** OpenAPI 3.1 speaks draft 2020-12; AsyncAPI 3.0's schema format is a superset of draft-07. */
  target: 'draft-2020-12' | 'draft-07';
}

type Def = z.core.$ZodTypeDef & {
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  defaultValue?: unknown;
};

const defOf = (schema: z.core.$ZodType) => schema._zod.def as Def;

/** Whether parsing the schema can change the value's type (a transform somewhere on the input side). */
function converts(schema: z.core.$ZodType): boolean {
  const def = defOf(schema);
  switch (def.type) {
    case 'transform':
      return true;
    case 'pipe':
      return converts(def.in as z.core.$ZodType) || converts(def.out as z.core.$ZodType);
    case 'union':
      return (def.options ?? []).some(converts);
    case 'default':
    case 'optional':
    case 'nullable':
      return converts(def.innerType as z.core.$ZodType);
    default:
      return false;
  }
}

/** A coercion followed by a check: `limit` takes a number or digits, then checks the number. */
const isCoercingPipe = (def: Def) =>
  def.type === 'pipe' && def.out !== undefined && defOf(def.out).type !== 'transform' && converts(def.in as z.core.$ZodType);

/** The coercing pipe the schema is, or wraps in defaults and optionals. */
function coercingPipeWithin(schema: z.core.$ZodType): Def | undefined {
  for (let def = defOf(schema); ; def = defOf(def.innerType as z.core.$ZodType)) {
    if (isCoercingPipe(def)) return def;
    if ((def.type !== 'default' && def.type !== 'optional') || def.innerType === undefined) return undefined;
  }
}

function replaceContents(target: JsonSchema, source: JsonSchema): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

/**
 * The rules Parley adds to z.toJSONSchema's (docs/api-specs.md lists them):
 * - a coercing pipe (`limitSchema`: a number or a string of digits, then a bounded integer) is
 *   documented, on the input side too, by the value it must be after coercion (`type: integer`,
 *   `minimum`, `maximum`), which is what a query parameter's documentation means; zod would show
 *   only the accepted forms and lose the bounds;
 * - the default of such a schema, which zod drops on the input side, is kept;
 * - a `date-time` string keeps its format and loses zod's long regular expression;
 * - answers are open objects (no `additionalProperties: false`): Parley may add fields.
 */
function overrideFor(options: ConvertOptions) {
  // Called for every node, wrappers included, in no order to rely on: each rule reads the zod
  // schema, never another node's JSON Schema.
  return ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }): void => {
    const def = defOf(zodSchema);
    const pipe = options.io === 'input' ? coercingPipeWithin(zodSchema) : undefined;
    if (pipe) {
      const { description } = jsonSchema;
      replaceContents(jsonSchema, convertSchema(pipe.out as z.core.$ZodType, { ...options, io: 'output' }));
      if (description !== undefined) jsonSchema.description = description;
      if (def.type === 'default') jsonSchema.default = def.defaultValue as JsonSchema['default'];
    }
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    // z.number().int() says "a safe integer": true of every JSON number a client sends, and noise.
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (options.io === 'output' && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
  };
}

function tidy(schema: JsonSchema): JsonSchema {
  delete schema.$schema;
  delete schema.$id;
  return schema;
}

/** One schema, on its own (every subschema inline). Throws on what JSON Schema cannot say. */
export function convertSchema(schema: z.core.$ZodType, options: ConvertOptions): JsonSchema {
  return tidy(z.toJSONSchema(schema, { ...options, override: overrideFor(options) }));
}

/**
 * Named schemas converted together: a subschema that is one of them becomes a `$ref` to
 * `${refPrefix}${name}` (e.g. '#/components/schemas/'), so each is written once.
 */
export function convertComponents(
  schemas: Record<string, z.core.$ZodType>,
  options: ConvertOptions & { refPrefix: string },
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(schemas)) registry.add(schema, { id: name });
  const { refPrefix, ...convert } = options;
  const { schemas: converted } = z.toJSONSchema(registry, {
    ...convert,
    uri: (id) => `${refPrefix}${id}`,
    override: overrideFor(convert),
  });
  if ('__shared' in converted) throw new Error('api-docs: a schema was shared without a name; give it one');
  return Object.fromEntries(Object.entries(converted).map(([name, schema]) => [name, tidy(schema)]));
}
