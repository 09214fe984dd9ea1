// Every use case of the API: one folder each, with its DTO, command or query, handler and controller.
import { AssignMentorController } from './assign-mentor/assign-mentor.controller';
import { AssignMentorHandler } from './assign-mentor/assign-mentor.handler';
import { EnrolStudentController } from './enrol-student/enrol-student.controller';
import { EnrolStudentHandler } from './enrol-student/enrol-student.handler';
import { GetMentorController } from './get-mentor/get-mentor.controller';
import { GetMentorHandler } from './get-mentor/get-mentor.handler';
import { GetStudentController } from './get-student/get-student.controller';
import { GetStudentHandler } from './get-student/get-student.handler';
import { RegisterMentorController } from './register-mentor/register-mentor.controller';
import { RegisterMentorHandler } from './register-mentor/register-mentor.handler';

export const USE_CASES = {
  controllers: [EnrolStudentController, RegisterMentorController, AssignMentorController, GetStudentController, GetMentorController],
  handlers: [EnrolStudentHandler, RegisterMentorHandler, AssignMentorHandler, GetStudentHandler, GetMentorHandler],
};
