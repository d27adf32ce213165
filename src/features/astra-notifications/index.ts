/** The Astra notifications' public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { AstraNotificationsModule } from './astra-notifications.module';
