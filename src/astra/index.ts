export * from './list-filter';
export * from './list-query';
export * from './list-mongo';
export * from './list-response';
