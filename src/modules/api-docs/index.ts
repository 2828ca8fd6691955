export { apiDocsRoutes } from './api-docs.routes.js';
export { buildAsyncApiDocument, type AsyncApiDocument } from './asyncapi.js';
export { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
