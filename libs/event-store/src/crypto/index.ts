export * from './key-store';
export * from './personal-data-map';
export * from './encrypting-event-store';
export * from './create-key-store';
export { SqliteKeyTable } from './sqlite-key-table';
