import { DynamicModule, Logger, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { StoreLocator } from './store-locator.service';
import { StoreIndexes } from './store-indexes.service';
import { StoreShutdown } from './store-shutdown.service';

/** Where the store is (MONGODB_URI, or the embedded FerretDB this process runs). One instance per app. */
@Module({ providers: [StoreLocator], exports: [StoreLocator] })
export class StoreLocatorModule {}

/**
 * The connection (MongoDB or the embedded FerretDB) and its lifecycle, imported once by the app module. It
 * registers no collection: each feature registers its own schemas and repositories (`MongooseModule.forFeature`
 * in the feature's module) and other features reach that data only through what the feature exports.
 * Commands are not buffered while the store is away, so callers get a prompt 503 instead of a hang.
 */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    const logger = new Logger('Store');
    return {
      module: DatabaseModule,
      imports: [
        StoreLocatorModule,
        MongooseModule.forRootAsync({
          imports: [StoreLocatorModule],
          inject: [StoreLocator],
          useFactory: async (locator: StoreLocator) => ({
            uri: await locator.resolveUri(),
            // The embedded store gets only its unique indexes, built by StoreIndexes (see there why).
            autoIndex: !locator.isEmbedded,
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
      ],
      providers: [StoreIndexes, StoreShutdown],
    };
  }
}
