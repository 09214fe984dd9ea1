// The auditors' use cases: replays from the event store.
import { GetStudentHistoryController } from './get-student-history/get-student-history.controller';
import { GetStudentHistoryHandler } from './get-student-history/get-student-history.handler';

export const AUDIT = {
  controllers: [GetStudentHistoryController],
  handlers: [GetStudentHistoryHandler],
};
