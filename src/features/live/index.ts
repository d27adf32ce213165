/** The live streams' public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { LiveModule } from './live.module';
