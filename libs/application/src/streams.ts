// Stream names: one consistency boundary each (ARCHITECTURE.md, rule 3). The domain owns them.
export {
  mentorCalendarStreamId as mentorCalendarStream,
  mentorStreamId as mentorStream,
  studentStreamId as studentStream,
} from '@mentoring/domain';
