/** Intake's public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { IntakeModule } from './intake.module';
