export * from './mentor.commands';
export * from './mentor.events';
export * from './mentor.state';
export * from './mentor.evolve';
export * from './mentor.decide';
export * from './mentor.decider';
