import { EVENT_SCHEMA_VERSIONS, EVENT_STREAM_CATEGORIES, EVENT_TYPES, isEventType, upcast } from './events';

describe('event registry', () => {
  it('keeps the four event names of the design', () => {
    for (const name of ['StudentAssigned', 'MentorChanged', 'DiscoverySessionBooked', 'FollowUpRequested']) {
      expect(isEventType(name)).toBe(true);
    }
  });

  it('names events after what happened, never after a database operation', () => {
    for (const type of EVENT_TYPES) expect(type).not.toMatch(/(Updated|Created|Deleted|Saved|Upserted|Modified)$/);
  });

  it('has every event type at schema version 1 today, each in a stream category', () => {
    expect(Object.values(EVENT_SCHEMA_VERSIONS).every((v) => v === 1)).toBe(true);
    expect(Object.keys(EVENT_STREAM_CATEGORIES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('upcasts current events unchanged', () => {
    const data = { studentId: 's', mentorId: 'm', contactedAt: '2026-03-02T09:00:00.000Z' };
    expect(upcast('FirstContactRecorded', 1, data)).toBe(data);
  });

  it('refuses unknown types and versions newer than the code knows', () => {
    expect(() => upcast('StudentUpdated', 1, {})).toThrow('unknown event type');
    expect(() => upcast('StudentAssigned', 2, {})).toThrow('knows up to v1');
    expect(() => upcast('StudentAssigned', 0, {})).toThrow();
  });
});
