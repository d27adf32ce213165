/** The incidents feature's public surface (dependency-cruiser keeps other modules to this file). */
export { IncidentIntakeModule } from './intake/incident-intake.module';
