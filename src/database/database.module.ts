import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { REPOSITORIES } from './repositories';
import { SCHEMAS } from './schemas';
import { StoreLocator } from './store-locator.service';
import { StoreShutdown } from './store-shutdown.service';

@Global()
@Module({ providers: [StoreLocator], exports: [StoreLocator] })
class StoreLocatorModule {}

/**
 * The data layer: one connection (MongoDB or the embedded FerretDB), the shared schemas and the repositories.
 * Commands are not buffered while the store is away, so callers get a prompt 503 instead of a hang.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    const logger = new Logger('Store');
    return {
      module: DatabaseModule,
      imports: [
        StoreLocatorModule,
        MongooseModule.forRootAsync({
          inject: [StoreLocator],
          useFactory: async (locator: StoreLocator) => ({
            uri: await locator.resolveUri(),
            bufferCommands: false,
            serverSelectionTimeoutMS: 2500,
            heartbeatFrequencyMS: 1000,
            connectTimeoutMS: 3000,
            socketTimeoutMS: 20_000,
            maxPoolSize: 32,
            connectionFactory: (connection: Connection) => {
              connection.on('disconnected', () => logger.warn('store disconnected'));
              connection.on('reconnected', () => logger.log('store reconnected'));
              return connection;
            },
          }),
        }),
        MongooseModule.forFeature(SCHEMAS),
      ],
      providers: [StoreShutdown, ...REPOSITORIES],
      exports: [MongooseModule, ...REPOSITORIES],
    };
  }
}
