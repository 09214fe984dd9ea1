// An erasure interrupted between its record and the destruction of the key (a crash, a kill, a stop at the wrong
// moment) is finished by the next start (ErasureReconciler), not left until someone repeats the command.
import { randomUUID } from 'node:crypto';
import { studentStreamId } from '@mentoring/domain';
import { KeyStore, studentSubject } from '@mentoring/event-store';
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { KEY_STORE } from '../apps/api/src/shared/tokens';
import { ErasureReconciler } from '../apps/api/src/use-cases/erase-student-personal-data/erasure-reconciler';
import { Person, person } from './support/commands';
import { postCreated } from './support/reactors';
import { enrolment, startTestApp, tempDataDir, TestApp } from './support/test-app';

describe('an interrupted erasure (issue 11, finished at the next start)', () => {
  const dataDir = tempDataDir();
  let t: TestApp;
  let staff: Person;

  afterAll(() => t.close());

  it('is finished by the next start: the key destroyed, the read models overwritten; a later start does not do it again', async () => {
    t = await startTestApp({ DATA_DIR: dataDir });
    staff = await person(t, 'staff', 'staff-1');
    const { studentId } = await postCreated(t, staff, '/students', enrolment('self_funded', { name: 'Ines Interrupted', email: 'ines@students.example' }));
    const other = (await postCreated(t, staff, '/students', enrolment('self_funded', { name: 'Otto Other', email: 'otto@students.example' }))).studentId;
    // What the erasure handler records, without what it does after: the process stopped in between.
    const stream = studentStreamId(studentId);
    const [enrolled] = await t.eventStore.readStream(stream);
    await t.eventStore.append(
      stream,
      [
        {
          eventId: randomUUID(),
          type: 'StudentPersonalDataErased',
          schemaVersion: 1,
          data: { studentId, reason: 'Art. 17 request', erasedBy: { id: 'staff-1', role: 'staff' }, erasedAt: new Date().toISOString() },
          metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: { id: 'staff-1', role: 'staff' }, occurredAt: new Date().toISOString() },
        },
      ],
      enrolled.revision,
    );
    expect(await t.app.get<KeyStore>(KEY_STORE).isErased(studentSubject(studentId))).toBe(false);
    // This start's own pass had read up to the head it found: an erasure recorded after it is the handlers' own.
    expect(await t.app.get(ErasureReconciler).done()).toBe(0);
    await t.close({ keepData: true });

    t = await startTestApp({ DATA_DIR: dataDir });
    staff = await person(t, 'staff', 'staff-1');
    expect(await t.app.get(ErasureReconciler).done()).toBe(1);
    expect(await t.app.get<KeyStore>(KEY_STORE).isErased(studentSubject(studentId))).toBe(true);
    const [first] = await t.eventStore.readStream(stream);
    expect(first.data).toMatchObject({ studentId, name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER });
    const shown = await t.request('GET', `/students/${studentId}?waitFor=${encodeURIComponent(String((await t.eventStore.headPosition())!.commit))}`, { token: staff.token });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER });
    // Nobody else's key.
    expect(await t.app.get<KeyStore>(KEY_STORE).isErased(studentSubject(other))).toBe(false);
    await t.close({ keepData: true });

    t = await startTestApp({ DATA_DIR: dataDir });
    expect(await t.app.get(ErasureReconciler).done()).toBe(0);
  });
});
