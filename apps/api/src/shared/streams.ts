// Stream names, as the domain defines them.
export { mentorCalendarStream, mentorStream, studentStream } from '@mentoring/application';
