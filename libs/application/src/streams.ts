// Stream names: one consistency boundary each (ARCHITECTURE.md, rule 3).
export const studentStream = (studentId: string) => `student-${studentId}`;
export const mentorStream = (mentorId: string) => `mentor-${mentorId}`;
export const mentorCalendarStream = (mentorId: string) => `mentor-calendar-${mentorId}`;
