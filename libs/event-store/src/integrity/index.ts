export * from './canonical';
export * from './chained-event-store';
export * from './checkpoints';
export * from './verify';
