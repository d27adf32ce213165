import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config.service';
import { EnvironmentVariables } from './env.schema';

/**
 * Provides the one validated configuration object. It is built before Nest starts (see bootstrap.ts), so a
 * bad variable stops the process with one line, and several app instances can live in one test process
 * with different settings (no process-wide state). What assembles an app imports src/auth's AuthModule next
 * to it (AppModule, the controller test tier): the global enhancers ask it who is calling, and config, a layer
 * below auth, cannot bring it along.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: AppConfig, useValue: new AppConfig(env) }],
      exports: [AppConfig],
    };
  }
}
