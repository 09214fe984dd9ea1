export * from './projection';
export * from './projection-runner';
export * from './rebuild';
export * from './read-models';
