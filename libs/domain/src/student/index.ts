export * from './funding';
export * from './student.commands';
export * from './student.events';
export * from './student.state';
export * from './student.evolve';
export * from './student.decide';
export * from './student.decider';
