import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

const TYPE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.Array,
  ValueErrorType.Boolean,
  ValueErrorType.Integer,
  ValueErrorType.Null,
  ValueErrorType.Number,
  ValueErrorType.Object,
  ValueErrorType.String,
]);

function literalValues(schema: TSchema): unknown[] | undefined {
  const options: unknown = schema.anyOf;
  if (!Array.isArray(options)) return undefined;
  const values = options.map((option: TSchema) => option.const as unknown);
  return values.every((v) => v !== undefined) ? values : undefined;
}

/**
 * Say what is wrong with the value at an error's path, in words that follow
 * the path: `must be number`, `is required`, `is not a known property`.
 */
export function describeValueError(error: ValueError): string {
  if (TYPE_ERRORS.has(error.type)) return `must be ${String(error.schema.type)}`;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known property';
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(error.schema.const)}`;
    case ValueErrorType.Union: {
      const values = literalValues(error.schema);
      return values ? `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` : 'matches no allowed shape';
    }
    default:
      return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

function toFastifyError(error: ValueError | undefined): FastifySchemaValidationError {
  return {
    keyword: error ? ValueErrorType[error.type] : 'unknown',
    instancePath: error?.path ?? '',
    schemaPath: '',
    params: {},
    message: error ? describeValueError(error) : 'is invalid',
  };
}

/**
 * Fastify validator compiler for TypeBox schemas. Bodies are checked as
 * sent, with no coercion and no removal of unknown properties (Fastify's
 * default Ajv setup would turn `"12"` into 12 and drop unknown keys);
 * query strings and path parameters are converted first, as they arrive as
 * strings. Only the first problem is reported, so the message names one field:
 * Fastify prefixes it with the part, as in `body/samples/3/conn/rtt_ms must be number`.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  return (value: unknown) => {
    const candidate = httpPart === 'body' ? value : Value.Convert(schema, value);
    if (check.Check(candidate)) return { value: candidate };
    return { error: [toFastifyError(check.Errors(candidate).First())] };
  };
};
