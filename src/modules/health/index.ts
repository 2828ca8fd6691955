export { createHealthService, type HealthProbe, type HealthReport, type HealthService } from './health.service.js';
export { healthReportSchema, livenessSchema } from './health.schemas.js';
export { healthRoutes } from './health.routes.js';
export { Readiness } from './readiness.js';
export { metricsRoutes } from './metrics.routes.js';
