import type { AsyncApiDocument } from './asyncapi.js';
import type { JsonSchema } from './json-schema.js';
import type { Method, OpenApiDocument, OperationObject, ResponseObject } from './openapi.js';

/**
 * GET /docs: both documents as one page to read, rendered on the server from the documents
 * themselves (no script: helmet's CSP stays as strict as it is; the stylesheet is /docs/style.css).
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The little Markdown the descriptions use: paragraphs, "- " lists, `code` and **bold**. */
function markdown(text: string): string {
  const inline = (line: string) =>
    escapeHtml(line)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((line) => line.startsWith('- '))) return `<ul>${lines.map((line) => `<li>${inline(line.slice(2))}</li>`).join('')}</ul>`;
      return `<p>${lines.map(inline).join(' ')}</p>`;
    })
    .join('');
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** Where a `$ref` points to on this page: `#/components/schemas/X` of the given document. */
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

interface RenderContext {
  /** The anchor prefix of the document's schemas ('rest' or 'rt'). */
  doc: string;
  /** The document's components.schemas, to show a body's named schema in place. */
  schemas: Record<string, JsonSchema>;
}

function constraints(schema: JsonSchema): string[] {
  const notes: string[] = [];
  if (schema.format !== undefined) notes.push(escapeHtml(schema.format));
  const range = (low: unknown, high: unknown, unit: string) => {
    if (low !== undefined && high !== undefined) notes.push(`${String(low)}-${String(high)}${unit}`);
    else if (low !== undefined) notes.push(`at least ${String(low)}${unit}`);
    else if (high !== undefined) notes.push(`at most ${String(high)}${unit}`);
  };
  range(schema.minLength, schema.maxLength, ' characters');
  range(schema.minimum, schema.maximum, '');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.pattern !== undefined) notes.push(`pattern ${code(schema.pattern)}`);
  if (schema.default !== undefined) notes.push(`default ${code(JSON.stringify(schema.default))}`);
  return notes;
}

/** A schema as HTML: a link for a reference, a type with its constraints, or a table of properties. */
function renderSchema(schema: JsonSchema | boolean | undefined, context: RenderContext): string {
  if (schema === undefined || typeof schema === 'boolean') return 'any';
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return `<a href="#${context.doc}-schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = schema[key];
    if (Array.isArray(parts)) {
      const label = key === 'allOf' ? 'all of' : 'one of';
      return `${label}: <ul class="alternatives">${parts.map((part) => `<li>${renderSchema(part, context)}</li>`).join('')}</ul>`;
    }
  }
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((value) => code(JSON.stringify(value))).join(', ')}`;
  if (schema.properties !== undefined) return propertiesTable(schema, context);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.includes('array')) return `array of ${renderSchema(schema.items as JsonSchema | undefined, context)}`;
  if (types.includes('object') && typeof schema.additionalProperties === 'object') {
    return `map of names to ${renderSchema(schema.additionalProperties, context)}`;
  }
  const notes = constraints(schema);
  const type = types.length > 0 ? types.join(' or ') : 'any';
  return `${escapeHtml(type)}${notes.length > 0 ? ` <span class="constraints">(${notes.join('; ')})</span>` : ''}`;
}

/** A request or answer body: a named schema is shown in place (its own references stay links). */
function renderBody(schema: JsonSchema, context: RenderContext): string {
  if (typeof schema.$ref !== 'string') return renderSchema(schema, context);
  const named = context.schemas[refName(schema.$ref)];
  return `${renderSchema(schema, context)}${named ? `<div class="inline">${renderSchema(named, context)}</div>` : ''}`;
}

function propertiesTable(schema: JsonSchema, context: RenderContext): string {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const description = typeof property === 'object' && typeof property.description === 'string' ? markdown(property.description) : '';
    const flag = required.has(name) ? '<span class="required">required</span>' : '<span class="optional">optional</span>';
    return `<tr><td>${code(name)} ${flag}</td><td>${renderSchema(property, context)}</td><td>${description}</td></tr>`;
  });
  return `<table class="properties"><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// --- REST ---------------------------------------------------------------------------------------


const securityText = (operation: OperationObject) => {
  if (operation.security.length === 0) return 'None';
  return operation.security
    .map((requirement) => (Object.keys(requirement).length === 0 ? 'none' : Object.keys(requirement).map((name) => code(name)).join(' + ')))
    .join(' or ');
};

/** The headers worth a line (every answer carries X-Request-Id: the introduction says so). */
function responseHeaders(response: ResponseObject): string {
  return Object.entries(response.headers ?? {})
    .filter(([name, header]) => name !== 'X-Request-Id' && 'description' in header)
    .map(([name, header]) => `<div class="header">Header ${code(name)}: ${markdown((header as { description: string }).description)}</div>`)
    .join('');
}

function responseBody(response: ResponseObject, context: RenderContext): string {
  const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
  if (mediaType === undefined || media === undefined) return '';
  const { schema } = media;
  // An error answer: ErrorResponse with its codes narrowed (the description lists them).
  const error = Array.isArray(schema.allOf) && typeof schema.allOf[0] === 'object' ? schema.allOf[0] : undefined;
  const body = error ? renderSchema(error, context) : renderBody(schema, context);
  return `<div class="body">${code(mediaType)} ${body}${typeof schema.description === 'string' && !error ? `: ${escapeHtml(schema.description)}` : ''}</div>`;
}

function renderOperation(path: string, method: Method, operation: OperationObject, context: RenderContext): string {
  const parameters = operation.parameters ?? [];
  const parameterRows = parameters.map(
    (parameter) =>
      `<tr><td>${code(parameter.name)}</td><td>${parameter.in}</td><td>${parameter.required ? 'yes' : 'no'}</td><td>${renderSchema(parameter.schema, context)}</td><td>${markdown(parameter.description ?? '')}</td></tr>`,
  );
  const requestBody = operation.requestBody
    ? Object.entries(operation.requestBody.content)
        .map(([mediaType, { schema }]) => `<h4>Request body</h4><div class="body">${code(mediaType)} ${renderBody(schema, context)}</div>`)
        .join('')
    : '';
  const responses = Object.entries(operation.responses)
    .map(
      ([status, response]) =>
        `<tr class="${status.startsWith('2') ? 'success' : 'failure'}"><td class="status">${status}</td><td>${markdown(response.description)}${responseHeaders(response)}${responseBody(response, context)}</td></tr>`,
    )
    .join('');
  return `<section class="operation" id="op-${escapeHtml(operation.operationId)}">
<h3><span class="method method-${method}">${method.toUpperCase()}</span> ${code(path)}</h3>
<p class="summary">${escapeHtml(operation.summary)}</p>
${operation.description ? markdown(operation.description) : ''}
<p class="auth">Authentication: ${securityText(operation)}</p>
${parameters.length > 0 ? `<h4>Parameters</h4><table class="parameters"><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr></thead><tbody>${parameterRows.join('')}</tbody></table>` : ''}
${requestBody}
<h4>Responses</h4><table class="responses"><tbody>${responses}</tbody></table>
</section>`;
}

function renderRest(openapi: OpenApiDocument): { html: string; toc: string } {
  const context: RenderContext = { doc: 'rest', schemas: openapi.components.schemas };
  const sections: string[] = [];
  const toc: string[] = [];
  for (const tag of openapi.tags) {
    const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
      (Object.entries(item) as [Method, OperationObject][]).filter(([, operation]) => operation.tags.includes(tag.name)).map(([method, operation]) => ({ path, method, operation })),
    );
    if (operations.length === 0) continue;
    const anchor = `tag-${tag.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    toc.push(
      `<li><a href="#${anchor}">${escapeHtml(tag.name)}</a><ul>${operations
        .map(({ path, method, operation }) => `<li><a href="#op-${escapeHtml(operation.operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`)
        .join('')}</ul></li>`,
    );
    sections.push(
      `<section class="tag" id="${anchor}"><h2>${escapeHtml(tag.name)}</h2>${markdown(tag.description)}${operations
        .map(({ path, method, operation }) => renderOperation(path, method, operation, context))
        .join('')}</section>`,
    );
  }
  return { html: sections.join(''), toc: toc.join('') };
}

// --- Realtime -----------------------------------------------------------------------------------

function renderRealtime(asyncapi: AsyncApiDocument): { html: string; toc: string } {
  const context: RenderContext = { doc: 'rt', schemas: asyncapi.components.schemas };
  const messageOf = (ref: { $ref: string }) => {
    const key = decodeURIComponent(refName(ref.$ref));
    const message = asyncapi.components.messages[key];
    if (!message) throw new Error(`api-docs: no message ${key}`);
    return message;
  };
  const rows = (action: 'send' | 'receive') =>
    Object.entries(asyncapi.operations).filter(([, operation]) => operation.action === action);
  const renderEvent = ([key, operation]: [string, AsyncApiDocument['operations'][string]]) => {
    const messages = operation.messages.map(messageOf);
    const reply = operation.reply?.messages.map(messageOf) ?? [];
    return `<section class="operation" id="event-${escapeHtml(key)}">
<h3><span class="method method-${operation.action}">${operation.action === 'send' ? 'EMIT' : 'ON'}</span> ${code(operation.title)}</h3>
<p class="summary">${escapeHtml(operation.summary)}</p>
${operation.description ? markdown(operation.description) : ''}
${messages.map((message) => `${message.description ? markdown(message.description) : ''}<h4>Payload</h4><div class="body">${renderBody(message.payload, context)}</div>`).join('')}
${reply.map((message) => `<h4>Acknowledgement</h4><div class="body">${renderBody(message.payload, context)}</div>`).join('')}
</section>`;
  };
  const server = Object.values(asyncapi.servers)[0];
  const schemes = Object.entries(asyncapi.components.securitySchemes)
    .map(([name, scheme]) => `<li>${code(name)}: ${markdown(scheme['description'] ?? '')}</li>`)
    .join('');
  const html = `<section class="tag" id="realtime">
<h2>Realtime (Socket.IO)</h2>
${markdown(asyncapi.info.description)}
${server ? `<p>Path ${code(server.pathname)} on the REST API's host and port. ${escapeHtml(server.description)}</p>` : ''}
<h3>Handshake authentication</h3><ul>${schemes}</ul>
<h3 id="rt-client-events">Client to server</h3>${rows('send').map(renderEvent).join('')}
<h3 id="rt-server-events">Server to client</h3>${rows('receive').map(renderEvent).join('')}
</section>`;
  const toc = `<li><a href="#realtime">Realtime (Socket.IO)</a><ul>${[...rows('send'), ...rows('receive')]
    .map(([key, operation]) => `<li><a href="#event-${escapeHtml(key)}">${operation.action === 'send' ? 'emit' : 'on'} ${escapeHtml(operation.title)}</a></li>`)
    .join('')}</ul></li>`;
  return { html, toc };
}

function renderSchemas(title: string, id: string, schemas: Record<string, JsonSchema>, doc: string): string {
  const context: RenderContext = { doc, schemas };
  return `<section class="tag" id="${id}"><h2>${escapeHtml(title)}</h2>${Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<section class="schema" id="${context.doc}-schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${
          typeof schema.description === 'string' ? markdown(schema.description) : ''
        }${renderSchema(schema, context)}</section>`,
    )
    .join('')}</section>`;
}

/** The whole page. */
export function renderDocsPage(openapi: OpenApiDocument, asyncapi: AsyncApiDocument): string {
  const rest = renderRest(openapi);
  const realtime = renderRealtime(asyncapi);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API ${escapeHtml(openapi.info.version)}</title>
<link rel="stylesheet" href="/docs/style.css">
</head>
<body>
<nav class="toc">
<p><strong>Parley API</strong> ${escapeHtml(openapi.info.version)}</p>
<p><a href="/openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(openapi.openapi)}) · <a href="/asyncapi.json">asyncapi.json</a> (AsyncAPI ${escapeHtml(asyncapi.asyncapi)})</p>
<ul>${rest.toc}${realtime.toc}<li><a href="#rest-schemas">REST schemas</a></li><li><a href="#rt-schemas">Realtime schemas</a></li></ul>
</nav>
<main>
<h1>${escapeHtml(openapi.info.title)}</h1>
${markdown(openapi.info.description)}
${rest.html}
${realtime.html}
${renderSchemas('REST schemas', 'rest-schemas', openapi.components.schemas, 'rest')}
${renderSchemas('Realtime schemas', 'rt-schemas', asyncapi.components.schemas, 'rt')}
</main>
</body>
</html>
`;
}

/** /docs/style.css: served by Parley, so the page needs nothing from elsewhere. */
export const DOCS_STYLESHEET = `:root { color-scheme: light dark; --accent: #2f6fdf; --muted: #6b7280; --line: #d1d5db; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; display: flex; }
nav.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 300px; flex: none; padding: 1rem; border-right: 1px solid var(--line); font-size: 13px; }
nav.toc ul { list-style: none; padding-left: 0.8rem; margin: 0.2rem 0; }
main { flex: 1; min-width: 0; padding: 1rem 2rem 4rem; max-width: 1100px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: rgba(127, 127, 127, 0.12); padding: 0 0.25em; border-radius: 3px; overflow-wrap: anywhere; }
h2 { border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; margin-top: 2.5rem; }
section.operation, section.schema { border: 1px solid var(--line); border-radius: 6px; padding: 0.2rem 1rem 0.8rem; margin: 1rem 0; }
h3 { margin: 0.6rem 0 0.2rem; }
h4 { margin: 0.8rem 0 0.3rem; font-size: 14px; }
.summary { font-weight: 600; margin: 0.2rem 0; }
.auth, .constraints, .optional { color: var(--muted); }
.required { color: #b45309; font-size: 12px; }
.optional { font-size: 12px; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: 0 0.4em; color: #fff; font-size: 13px; }
.method-get { background: #2563eb; } .method-post { background: #16a34a; } .method-patch { background: #ca8a04; } .method-delete { background: #dc2626; }
.method-send { background: #7c3aed; } .method-receive { background: #0891b2; }
table { border-collapse: collapse; width: 100%; margin: 0.3rem 0; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td p { margin: 0.1rem 0; }
div.header p { display: inline; }
td.status { width: 4rem; font-weight: 600; }
tr.success td.status { color: #16a34a; } tr.failure td.status { color: #dc2626; }
ul.alternatives { margin: 0.2rem 0; padding-left: 1.2rem; }
div.inline { margin-top: 0.3rem; }
table.properties td:first-child, table.parameters td:first-child { white-space: nowrap; }
@media (max-width: 800px) { body { display: block; } nav.toc { position: static; width: auto; height: auto; border-right: none; border-bottom: 1px solid var(--line); } main { padding: 1rem; } }
`;
