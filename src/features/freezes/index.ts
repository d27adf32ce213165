/**
 * Freezes' public surface: its module (the app lists it), and the OpenIncidents port deployability asks, so the
 * incidents feature can provide the answer.
 */
export { FreezesModule } from './freezes.module';
export { OpenIncidents, type OpenIncident } from './open-incidents';
