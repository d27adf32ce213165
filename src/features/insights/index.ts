/** Insights' public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { InsightsModule } from './insights.module';
