/** Intake's public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { IntakeModule } from './intake.module';
/*
 * The machinery other intakes (the incidents feature's PagerDuty and Alertmanager webhooks) reuse: the
 * exactly-once ledger, the intake metrics, correlation ids, the environment table, the mapping helpers and the constant-time secret comparison.
 */
export { IntakeLedger, type LedgerResult } from './intake-ledger';
export { IntakeMetrics, type IntakeProvider } from './intake.metrics';
export type { IntakeOutcomeRecord } from './data/intake-receipt.schema';
export { correlatedEventId } from './domain/correlation';
export { mapEnvironment, type EnvironmentMatch } from './domain/environments';
export { at, checkedName, clip, instantOrNothing, linkOrNothing, optionalText, requiredText } from './domain/intake-plan';
export { sameSecret } from './webhook-auth';
