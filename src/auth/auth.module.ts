import { Global, Module } from '@nestjs/common';
import { BearerVerifier } from './bearer-verifier';

/** Provides the one BearerVerifier (HS256 and OIDC) to every guard, interceptor and service that asks who is calling. */
@Global()
@Module({ providers: [BearerVerifier], exports: [BearerVerifier] })
export class AuthModule {}
