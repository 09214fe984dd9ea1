export * from './mentor-calendar.commands';
export * from './mentor-calendar.events';
export * from './mentor-calendar.state';
export * from './mentor-calendar.evolve';
export * from './mentor-calendar.decide';
export * from './mentor-calendar.decider';
