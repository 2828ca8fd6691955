export { createHealthService, type HealthProbe, type HealthReport, type HealthService } from './health.service.js';
export { healthRoutes } from './health.routes.js';
export { Readiness } from './readiness.js';
