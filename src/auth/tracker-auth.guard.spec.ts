import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { startControllerApp } from '../../test/support/controller-app';
import { AuthenticatedBySignature, RequireTrackerRole, TrackerApi } from './tracker-api.decorator';

@TrackerApi()
@Controller('api/v1alpha1/unroled')
class RestHandlerWithoutRole {
  @Get()
  @RequireTrackerRole('reader')
  list() {
    return [];
  }

  @Get(':id')
  get() {
    return {};
  }
}

@TrackerApi()
@Controller()
class GrpcHandlerWithoutRole {
  @GrpcMethod('tracker.event.v1alpha1.EventService', 'GetEvent')
  getEvent() {
    return {};
  }
}

@Controller('api/v1alpha1/unmarked')
class UnmarkedTrackerController {
  @Get()
  list() {
    return [];
  }
}

@TrackerApi()
@Controller('api/v1alpha1/signed')
class SignedAndRoled {
  @Get()
  @AuthenticatedBySignature()
  signed() {
    return {};
  }

  @Get('read')
  @RequireTrackerRole('reader')
  read() {
    return {};
  }
}

/** The boot checks: nobody can add a tracker handler without deciding who may call it. */
describe('TrackerAuthGuard at boot', () => {
  it.each([
    [RestHandlerWithoutRole, 'RestHandlerWithoutRole.get is a tracker API handler without @RequireTrackerRole()'],
    [GrpcHandlerWithoutRole, 'GrpcHandlerWithoutRole.getEvent is a tracker API handler without @RequireTrackerRole()'],
    [UnmarkedTrackerController, 'UnmarkedTrackerController serves /api/v1alpha1 routes but is not marked @TrackerApi()'],
  ])('refuses %p', async (controller, message) => {
    await expect(startControllerApp({ controllers: [controller], providers: [] })).rejects.toThrow(message);
  });

  it('starts when every handler names a role or authenticates by signature', async () => {
    const app = await startControllerApp({ controllers: [SignedAndRoled], providers: [], env: { TRACKER_AUTH: 'required' } });
    expect((await app.request('GET', '/api/v1alpha1/signed')).status).toBe(200);
    expect((await app.request('GET', '/api/v1alpha1/signed/read')).status).toBe(401);
    await app.close();
  });
});
