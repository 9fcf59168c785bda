/** `GET /api/health`: liveness. `GET /api/metrics` answers Prometheus text, not JSON. */
export interface HealthResult {
  ok: true;
}
