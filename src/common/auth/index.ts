export * from './roles';
export * from './identifiers';
export * from './bearer-token';
export * from './account-scope';
export * from './account.guard';
export * from './caller';
export * from './tracker-api.decorator';
