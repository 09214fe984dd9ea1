// Every use case of the API: one folder each, with its DTO, command or query, handler and controller.
import { AddInternalCommentController } from './add-internal-comment/add-internal-comment.controller';
import { AddInternalCommentHandler } from './add-internal-comment/add-internal-comment.handler';
import { AssignMentorController } from './assign-mentor/assign-mentor.controller';
import { AssignMentorHandler } from './assign-mentor/assign-mentor.handler';
import { BookDiscoverySessionController } from './book-discovery-session/book-discovery-session.controller';
import { BookDiscoverySessionHandler } from './book-discovery-session/book-discovery-session.handler';
import { BookSessionController } from './book-session/book-session.controller';
import { BookSessionHandler } from './book-session/book-session.handler';
import { CancelSessionController } from './cancel-session/cancel-session.controller';
import { CancelSessionHandler } from './cancel-session/cancel-session.handler';
import { ChangeMentorController } from './change-mentor/change-mentor.controller';
import { ChangeMentorHandler } from './change-mentor/change-mentor.handler';
import { ChangeMentorCapacityController } from './change-mentor-capacity/change-mentor-capacity.controller';
import { ChangeMentorCapacityHandler } from './change-mentor-capacity/change-mentor-capacity.handler';
import { CompleteTrainingController } from './complete-training/complete-training.controller';
import { CompleteTrainingHandler } from './complete-training/complete-training.handler';
import { DeclareMentorUnavailabilityController } from './declare-mentor-unavailability/declare-mentor-unavailability.controller';
import { DeclareMentorUnavailabilityHandler } from './declare-mentor-unavailability/declare-mentor-unavailability.handler';
import { DeclineMentorChangeRequestController } from './decline-mentor-change-request/decline-mentor-change-request.controller';
import { DeclineMentorChangeRequestHandler } from './decline-mentor-change-request/decline-mentor-change-request.handler';
import { EndMentorUnavailabilityController } from './end-mentor-unavailability/end-mentor-unavailability.controller';
import { EndMentorUnavailabilityHandler } from './end-mentor-unavailability/end-mentor-unavailability.handler';
import { EraseMentorPersonalDataController } from './erase-mentor-personal-data/erase-mentor-personal-data.controller';
import { EraseMentorPersonalDataHandler } from './erase-mentor-personal-data/erase-mentor-personal-data.handler';
import { EraseStudentPersonalDataController } from './erase-student-personal-data/erase-student-personal-data.controller';
import { EraseStudentPersonalDataHandler } from './erase-student-personal-data/erase-student-personal-data.handler';
import { ErasureCleanup } from './erase-student-personal-data/erasure-cleanup';
import { EnrolStudentController } from './enrol-student/enrol-student.controller';
import { EnrolStudentHandler } from './enrol-student/enrol-student.handler';
import { GetMentorController } from './get-mentor/get-mentor.controller';
import { GetMentorHandler } from './get-mentor/get-mentor.handler';
import { GetMentorSuggestionsController } from './get-mentor-suggestions/get-mentor-suggestions.controller';
import { GetMentorSuggestionsHandler } from './get-mentor-suggestions/get-mentor-suggestions.handler';
import { GetStudentController } from './get-student/get-student.controller';
import { GetStudentHandler } from './get-student/get-student.handler';
import { ListMentorsController } from './list-mentors/list-mentors.controller';
import { ListMentorsHandler } from './list-mentors/list-mentors.handler';
import { ListStudentsController } from './list-students/list-students.controller';
import { ListStudentsHandler } from './list-students/list-students.handler';
import { GiveFirstSessionFeedbackController } from './give-first-session-feedback/give-first-session-feedback.controller';
import { GiveFirstSessionFeedbackHandler } from './give-first-session-feedback/give-first-session-feedback.handler';
import { MarkMentorDisabilityFriendlyController } from './mark-mentor-disability-friendly/mark-mentor-disability-friendly.controller';
import { MarkMentorDisabilityFriendlyHandler } from './mark-mentor-disability-friendly/mark-mentor-disability-friendly.handler';
import { PauseTrainingController } from './pause-training/pause-training.controller';
import { PauseTrainingHandler } from './pause-training/pause-training.handler';
import { RecordFirstContactController } from './record-first-contact/record-first-contact.controller';
import { RecordFirstContactHandler } from './record-first-contact/record-first-contact.handler';
import { RecordSessionHeldController } from './record-session-held/record-session-held.controller';
import { RecordSessionHeldHandler } from './record-session-held/record-session-held.handler';
import { RecordSessionNoShowController } from './record-session-no-show/record-session-no-show.controller';
import { RecordSessionNoShowHandler } from './record-session-no-show/record-session-no-show.handler';
import { RecordSubstantialDelayController } from './record-substantial-delay/record-substantial-delay.controller';
import { RecordSubstantialDelayHandler } from './record-substantial-delay/record-substantial-delay.handler';
import { RecordWeekWithoutSessionController } from './record-week-without-session/record-week-without-session.controller';
import { RecordWeekWithoutSessionHandler } from './record-week-without-session/record-week-without-session.handler';
import { RegisterMentorController } from './register-mentor/register-mentor.controller';
import { RegisterMentorHandler } from './register-mentor/register-mentor.handler';
import { RequestFollowUpController } from './request-follow-up/request-follow-up.controller';
import { RequestFollowUpHandler } from './request-follow-up/request-follow-up.handler';
import { RequestMentorChangeController } from './request-mentor-change/request-mentor-change.controller';
import { RequestMentorChangeHandler } from './request-mentor-change/request-mentor-change.handler';
import { RescheduleSessionController } from './reschedule-session/reschedule-session.controller';
import { RescheduleSessionHandler } from './reschedule-session/reschedule-session.handler';
import { ResolveFollowUpController } from './resolve-follow-up/resolve-follow-up.controller';
import { ResolveFollowUpHandler } from './resolve-follow-up/resolve-follow-up.handler';
import { ResumeTrainingController } from './resume-training/resume-training.controller';
import { ResumeTrainingHandler } from './resume-training/resume-training.handler';
import { SubmitFirstSessionRecordingController } from './submit-first-session-recording/submit-first-session-recording.controller';
import { SubmitFirstSessionRecordingHandler } from './submit-first-session-recording/submit-first-session-recording.handler';
import { WithdrawFromTrainingController } from './withdraw-from-training/withdraw-from-training.controller';
import { WithdrawFromTrainingHandler } from './withdraw-from-training/withdraw-from-training.handler';

/** Every use case, in the order the OpenAPI document lists them: students, mentors, then queries. */
const ALL = [
  { controller: EnrolStudentController, handler: EnrolStudentHandler },
  { controller: AssignMentorController, handler: AssignMentorHandler },
  { controller: RequestMentorChangeController, handler: RequestMentorChangeHandler },
  { controller: DeclineMentorChangeRequestController, handler: DeclineMentorChangeRequestHandler },
  { controller: ChangeMentorController, handler: ChangeMentorHandler },
  { controller: RecordFirstContactController, handler: RecordFirstContactHandler },
  { controller: AddInternalCommentController, handler: AddInternalCommentHandler },
  { controller: RequestFollowUpController, handler: RequestFollowUpHandler },
  { controller: ResolveFollowUpController, handler: ResolveFollowUpHandler },
  { controller: PauseTrainingController, handler: PauseTrainingHandler },
  { controller: ResumeTrainingController, handler: ResumeTrainingHandler },
  { controller: CompleteTrainingController, handler: CompleteTrainingHandler },
  { controller: WithdrawFromTrainingController, handler: WithdrawFromTrainingHandler },
  { controller: BookDiscoverySessionController, handler: BookDiscoverySessionHandler },
  { controller: BookSessionController, handler: BookSessionHandler },
  { controller: RescheduleSessionController, handler: RescheduleSessionHandler },
  { controller: CancelSessionController, handler: CancelSessionHandler },
  { controller: RecordSessionHeldController, handler: RecordSessionHeldHandler },
  { controller: RecordSessionNoShowController, handler: RecordSessionNoShowHandler },
  { controller: RecordSubstantialDelayController, handler: RecordSubstantialDelayHandler },
  { controller: SubmitFirstSessionRecordingController, handler: SubmitFirstSessionRecordingHandler },
  { controller: GiveFirstSessionFeedbackController, handler: GiveFirstSessionFeedbackHandler },
  { controller: RecordWeekWithoutSessionController, handler: RecordWeekWithoutSessionHandler },
  { controller: EraseStudentPersonalDataController, handler: EraseStudentPersonalDataHandler },
  { controller: RegisterMentorController, handler: RegisterMentorHandler },
  { controller: MarkMentorDisabilityFriendlyController, handler: MarkMentorDisabilityFriendlyHandler },
  { controller: ChangeMentorCapacityController, handler: ChangeMentorCapacityHandler },
  { controller: DeclareMentorUnavailabilityController, handler: DeclareMentorUnavailabilityHandler },
  { controller: EndMentorUnavailabilityController, handler: EndMentorUnavailabilityHandler },
  { controller: EraseMentorPersonalDataController, handler: EraseMentorPersonalDataHandler },
  { controller: GetStudentController, handler: GetStudentHandler },
  { controller: ListStudentsController, handler: ListStudentsHandler },
  { controller: ListMentorsController, handler: ListMentorsHandler },
  { controller: GetMentorController, handler: GetMentorHandler },
  { controller: GetMentorSuggestionsController, handler: GetMentorSuggestionsHandler },
];

export const USE_CASES = {
  controllers: ALL.map((u) => u.controller),
  // ErasureCleanup: shared by the two erasure handlers.
  handlers: [...ALL.map((u) => u.handler), ErasureCleanup],
};
