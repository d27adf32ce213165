/** Deliveries' public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { DeliveriesModule } from './deliveries.module';
