import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { StoreLocator } from '../database/store-locator.service';
import { ReadinessService } from '../health/readiness.service';
import { APP_NAME, APP_VERSION } from './app-info';

@Controller()
export class SystemGrpcController {
  constructor(
    private readonly locator: StoreLocator,
    private readonly readiness: ReadinessService,
  ) {}

  @GrpcMethod('SystemService', 'GetInfo')
  async getInfo() {
    return {
      name: APP_NAME,
      version: APP_VERSION,
      store: this.locator.isEmbedded ? 'embedded-ferretdb' : 'mongodb',
      ready: await this.readiness.probe(),
    };
  }
}
