import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { AppConfig } from './app-config.service';
import { EnvironmentVariables } from './env.schema';

/**
 * Provides the one validated configuration object. It is built before Nest starts (see bootstrap.ts), so a
 * bad variable stops the process with one line, and several app instances can live in one test process
 * with different settings (no process-wide state). It brings the AuthModule along: the one bearer-token
 * verifier is built from this configuration, so wherever the configuration is, the verifier is too (the app,
 * controller specs, any module a spec assembles around GLOBAL_ENHANCERS).
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [AuthModule],
      providers: [{ provide: AppConfig, useValue: new AppConfig(env) }],
      exports: [AppConfig, AuthModule],
    };
  }
}
