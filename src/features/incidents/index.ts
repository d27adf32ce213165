/**
 * Incidents' public surface (dependency-cruiser keeps other modules to this file): its module, its service, and
 * the pure facts and cause rules DORA shares (insights), so an incident means the same thing on both pages.
 */
export { IncidentsModule } from './incidents.module';
export { IncidentsService } from './incidents.service';
export {
  INCIDENT_SOURCES,
  incidentSource,
  toFacts,
  type DeploymentFact,
  type EventRow,
  type IncidentFact,
  type IncidentSource,
} from './domain/facts';
export {
  DeploymentIndex,
  FAILURE_REASONS,
  failureReason,
  reworkReason,
  suspectedDeployments,
  type Cause,
  type FailureReason,
  type ReworkReason,
} from './domain/causes';
export { IncidentIntakeModule } from './intake/incident-intake.module';
