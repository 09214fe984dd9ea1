export * from './projection';
export * from './apply-batch';
export * from './subscriber-runner';
export * from './parked-events';
export * from './projection-runner';
export * from './shadow';
export * from './rebuild';
export * from './read-models';
