export * from './config';
export * from './env-file';
export * from './log';
export * from './metrics';
export * from './heap-growth';
