import { z } from 'zod';
import { emailField } from '../accounts/schemas';
import { MAX_PAGE_SIZE } from '../http/pagination';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { APP_VERSION } from '../version';
import { type ErrorStatus, type Operation, OPERATIONS, REQUEST_COMPONENTS, TAGS } from './operations';
import { problemSchema, RESPONSE_COMPONENTS } from './responses';

export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface MediaTypes {
  [mediaType: string]: { schema: JsonSchema };
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: MediaTypes;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters: ParameterObject[];
  requestBody?: { required: boolean; content: MediaTypes };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

export const SERVER_URL = '/api/v1';
export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';
const BEARER = 'bearerAuth';

const DESCRIPTION = `Everything a person can do in the web pages, a script can do through this API.

- JSON in and out; ids are strings; times are ISO 8601 with offset.
- Authentication: \`Authorization: Bearer <token>\`, a token from \`POST /auth/tokens\`. No cookies.
- Errors are \`application/problem+json\`: \`{type, title, status, detail?, errors?: [{path, message}]}\`; \`type\` ends with a stable code.
- Lists are \`{items, total, page, pageSize}\` with \`?page=&pageSize=\` (at most ${MAX_PAGE_SIZE} a page).
- Localised fields come in the language of \`?lang=\` (else the language cookie, else \`Accept-Language\`); \`lang\` tells which was served.
- Responses may gain fields: clients should ignore the ones they do not know.`;

/** Query parameters by name: every operation that takes one means the same by it. */
export const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  page: 'The page, from 1.',
  pageSize: `Items per page, at most ${MAX_PAGE_SIZE}.`,
  lang: `The language to answer in: ${SUPPORTED_LANGUAGES.join(', ')}.`,
  country: 'Only those of this country (ISO 3166-1 alpha-2, either case).',
  type: 'Only organisations of this type.',
  q: 'Words found in the name or the email, case-insensitively and taken literally.',
  role: 'Only accounts with this role.',
  status: 'Only accounts with this status.',
  targetId: 'Only events about this account.',
  actorId: 'Only events by this person.',
  action: 'Only events of this kind.',
  city: 'Only those in this city (a city id of the reference data).',
  course: 'Only those teaching this module (its slug).',
  language: 'Only those taught in this language.',
  revision: 'The draft’s revision when you read it: a change made since makes the request fail with 409 rather than overwrite it.',
  from: 'The version to compare from (usually the older one), e.g. `1.0.0`, or `latest`.',
  to: 'The version to compare to (usually the newer one), e.g. `1.1.0`, or `latest`.',
};

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The JSON Schema of each named zod schema, referring to each other by `$ref`. */
function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: io === 'input' ? describeInput : openOutput,
  });
  if ('__shared' in schemas) throw new Error('OpenAPI: a schema is shared without a name (or recursive): add it to the components');
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutIdentity(schema as JsonSchema)]));
}

/** Each component is embedded in the document: its own `$schema` and `$id` would only mislead. */
function withoutIdentity(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Responses are strict zod objects (the test catches any field sent but not described), yet
 * the contract allows new fields: the document does not forbid them.
 */
function openOutput({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
}

/** The input side of `emailField` is a plain string (trimmed, lower-cased, then checked): say what it must be. */
function describeInput({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  if (zodSchema === emailField) Object.assign(jsonSchema, { format: 'email', maxLength: 254 });
}

function nameOf(schema: z.ZodType, named: Record<string, z.ZodType>, what: string): string {
  const found = Object.entries(named).find(([, candidate]) => candidate === schema);
  if (!found) throw new Error(`OpenAPI: the ${what} schema is not among the named components`);
  return found[0];
}

function parametersOf(operation: Operation): ParameterObject[] {
  const parameters: ParameterObject[] = [];
  for (const [name, { description, schema }] of Object.entries(operation.pathParameters ?? {})) {
    parameters.push({ name, in: 'path', required: true, description, schema: withoutIdentity(z.toJSONSchema(schema, { io: 'input' })) });
  }
  if (operation.query) {
    const query = z.toJSONSchema(operation.query, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, description: operation.queryDescriptions?.[name] ?? PARAMETER_DESCRIPTIONS[name], schema });
    }
  }
  return parameters;
}

function responsesOf(operation: Operation): Record<string, ResponseObject> {
  const { success } = operation;
  const responses: Record<string, ResponseObject> = {
    [success.status]: success.mediaType
      ? { description: success.description, content: { [success.mediaType]: { schema: { type: 'string' } } } }
      : success.schema
        ? { description: success.description, content: { [JSON_TYPE]: { schema: ref(nameOf(success.schema, RESPONSE_COMPONENTS, operation.operationId)) } } }
        : { description: success.description },
  };
  if (operation.alsoSuccess) {
    const also = operation.alsoSuccess;
    responses[also.status] = { description: also.description, content: { [JSON_TYPE]: { schema: ref(nameOf(also.schema, RESPONSE_COMPONENTS, operation.operationId)) } } };
  }
  const problem = ref(nameOf(problemSchema, RESPONSE_COMPONENTS, 'problem'));
  for (const [status, description] of Object.entries(operation.errors) as Array<[`${ErrorStatus}`, string]>) {
    responses[status] = {
      description,
      ...(status === '429'
        ? { headers: { 'Retry-After': { description: 'Seconds until a new attempt may succeed.', schema: { type: 'integer', minimum: 1 } } } }
        : {}),
      content: { [PROBLEM_TYPE]: { schema: problem } },
    };
  }
  return responses;
}

function operationObject(operation: Operation): OperationObject {
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    security: operation.public ? [] : [{ [BEARER]: [] }],
    parameters: parametersOf(operation),
    ...(operation.body
      ? { requestBody: { required: true, content: { [operation.bodyMediaType ?? JSON_TYPE]: { schema: ref(nameOf(operation.body, REQUEST_COMPONENTS, operation.operationId)) } } } }
      : {}),
    responses: responsesOf(operation),
  };
}

/** The OpenAPI 3.1 description of `/api/v1`, from the operations table and its zod schemas. */
export function buildOpenApiDocument(operations: Operation[] = OPERATIONS): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    const item = (paths[operation.path] ??= {});
    if (item[operation.method]) throw new Error(`OpenAPI: ${operation.method.toUpperCase()} ${operation.path} is described twice`);
    item[operation.method] = operationObject(operation);
  }
  const responseSchemas = componentSchemas(RESPONSE_COMPONENTS, 'output');
  const requestSchemas = componentSchemas(REQUEST_COMPONENTS, 'input');
  const clash = Object.keys(requestSchemas).find((name) => name in responseSchemas);
  if (clash) throw new Error(`OpenAPI: ${clash} names both a request and a response schema`);
  return {
    openapi: '3.1.0',
    info: { title: 'LIAISE Learning API', version: APP_VERSION, description: DESCRIPTION },
    servers: [{ url: SERVER_URL }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ [BEARER]: [] }],
    paths,
    components: {
      schemas: { ...responseSchemas, ...requestSchemas },
      securitySchemes: {
        [BEARER]: { type: 'http', scheme: 'bearer', description: 'An API token from `POST /auth/tokens` (it starts with `liaise_`).' },
      },
    },
  };
}
