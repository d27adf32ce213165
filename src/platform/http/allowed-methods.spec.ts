import { CanActivate, Controller, Delete, Get, Head, Module, Post, UseGuards } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { UnauthenticatedError } from '../errors/domain-errors';
import { AllErrorsFilter } from '../errors/all-errors.filter';
import { allowedMethods, declaredMethods, OnlyDeclaredMethods } from './allowed-methods';

/** Stands for the auth guards the real handlers carry: nobody gets past it. */
class NobodyPasses implements CanActivate {
  canActivate(): boolean {
    throw new UnauthenticatedError(true);
  }
}

@OnlyDeclaredMethods()
@Controller(['accounts/:account_id/things', 'accounts/:account_id/groups/:group_id/things'])
class ThingsController {
  @Get()
  @UseGuards(NobodyPasses)
  list() {
    return [];
  }

  @Post('/')
  @UseGuards(NobodyPasses)
  create() {
    return {};
  }

  @Get(':thing_id')
  @UseGuards(NobodyPasses)
  get() {
    return {};
  }

  @Delete(':thing_id/marks/:mark_id')
  @UseGuards(NobodyPasses)
  unmark() {}
}

@Module({ controllers: [ThingsController], providers: [{ provide: APP_FILTER, useClass: AllErrorsFilter }] })
class ThingsModule {}

describe('declaredMethods / allowedMethods', () => {
  it("reads each path's methods from the handlers (before the generated ones are added)", () => {
    class Plain {
      @Get() a() {}
      @Post('/') b() {}
      @Get([':id', ':id/alias']) c() {}
    }
    expect([...declaredMethods(Plain.prototype)].map(([path, methods]) => [path, [...methods]])).toEqual([
      ['', ['GET', 'POST']],
      [':id', ['GET']],
      [':id/alias', ['GET']],
    ]);
  });

  it('lists the Allow methods in a fixed order, HEAD with GET', () => {
    expect(allowedMethods(new Set(['POST', 'GET']))).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(new Set(['DELETE', 'GET']))).toEqual(['GET', 'HEAD', 'DELETE']);
    expect(allowedMethods(new Set(['DELETE']))).toEqual(['DELETE']);
  });

  it('refuses a controller it cannot describe', () => {
    expect(() => {
      @OnlyDeclaredMethods()
      class HeadOnly {
        @Delete('y') a() {}
        @Head('y') b() {}
      }
      return HeadOnly;
    }).toThrow(/HEAD without GET/);
  });
});

describe('@OnlyDeclaredMethods() on a Fastify app with the error filter', () => {
  let app: NestFastifyApplication;
  const send = (method: string, url: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: method as 'GET', url });

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ThingsModule, new FastifyAdapter(), { logger: false });
    await app.init();
  });
  afterAll(async () => app?.close());

  it.each([
    ['PUT', '/accounts/a/things', 'GET, HEAD, POST'],
    ['PATCH', '/accounts/a/things', 'GET, HEAD, POST'],
    ['DELETE', '/accounts/a/things', 'GET, HEAD, POST'],
    ['OPTIONS', '/accounts/a/things', 'GET, HEAD, POST'],
    ['POST', '/accounts/a/things/t', 'GET, HEAD'],
    ['DELETE', '/accounts/a/groups/g/things/t', 'GET, HEAD'],
    ['GET', '/accounts/a/things/t/marks/m', 'DELETE'],
    ['HEAD', '/accounts/a/things/t/marks/m', 'DELETE'],
    ['POST', '/accounts/a/groups/g/things/t/marks/m', 'DELETE'],
  ])('%s %s: 405 problems/69 with Allow %s, without auth', async (method, url, allow) => {
    const res = await send(method, url);
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (method !== 'HEAD') expect(JSON.parse(res.body)).toMatchObject({ type: 'https://astra.netapp.io/problems/69', status: '405' });
  });

  it('leaves the declared methods (and HEAD with GET) to their handlers', async () => {
    for (const [method, url] of [
      ['GET', '/accounts/a/things'],
      ['HEAD', '/accounts/a/things'],
      ['POST', '/accounts/a/things'],
      ['GET', '/accounts/a/groups/g/things/t'],
      ['DELETE', '/accounts/a/things/t/marks/m'],
    ]) {
      expect({ method, url, status: (await send(method, url)).statusCode }).toEqual({ method, url, status: 401 });
    }
  });

  it('does not invent paths', async () => {
    expect((await send('PUT', '/accounts/a/nothing')).statusCode).toBe(404);
    expect((await send('PUT', '/accounts/a/things/t/marks')).statusCode).toBe(404);
  });
});
