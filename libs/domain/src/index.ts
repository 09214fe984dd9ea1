export * from './shared/decider';
export * from './shared/actor';
export { isIsoInstant, isIsoDate } from './shared/values';
export * from './policy';
export * from './suggestion-policy';
export * from './events';
export * from './student';
export * from './mentor';
export * from './mentor-calendar';
