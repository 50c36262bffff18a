import type { Actor, Role } from './actor';
import { DomainError, type DomainErrorKind } from './errors';
import {
  refusalOf,
  secretariat,
  committee,
  department,
  commune,
  auditor,
  system,
  NOW,
  plus,
  DAY,
} from './testing/recommendation.builder';
import {
  ATTACHMENT_STREAM_PREFIX,
  AttachmentErrorCodes,
  MAX_SESSION_COMMUNES,
  SessionErrorCodes,
  WORKING_SESSION_STREAM_PREFIX,
  attachmentCitedByItsUploader,
  attachmentStream,
  decideWorkingSession,
  evolveWorkingSession,
  workingSessionStream,
  type RecordWorkingSession,
  type WorkingSessionState,
} from './working-session';

const SESSION_ID = 'session-wg1-2025-08-04';
const NONE: WorkingSessionState = { status: 'none' };

/** Working Group No. 1 met its four communes in Tam Thanh on 4 August 2025, recorded two days later. */
function record(fields: Partial<RecordWorkingSession> = {}): RecordWorkingSession {
  return {
    type: 'RecordWorkingSession',
    sessionId: SESSION_ID,
    actor: secretariat(),
    now: NOW,
    workingGroup: 1,
    date: '2025-08-04',
    communes: ['dong-kinh', 'ky-lua', 'tam-thanh', 'luong-van-tri'],
    place: 'Tam Thanh ward headquarters',
    leader: 'Hoang Van Nghiem',
    minutesRef: 'BB-01/2025',
    ...fields,
  };
}

const REFUSED = {
  roleNotAllowed: { code: 'AUTH.ROLE_NOT_ALLOWED', kind: 'forbidden' },
  alreadyExists: { code: 'SESSION.ALREADY_EXISTS', kind: 'conflict' },
  noCommunes: { code: 'SESSION.NO_COMMUNES', kind: 'invalid' },
  duplicateCommune: { code: 'SESSION.DUPLICATE_COMMUNE', kind: 'invalid' },
  invalidDate: { code: 'SESSION.INVALID_DATE', kind: 'invalid' },
} satisfies Record<string, { code: string; kind: DomainErrorKind }>;

const recorded = (): WorkingSessionState =>
  decideWorkingSession(record(), NONE).reduce<WorkingSessionState>(evolveWorkingSession, NONE);

describe('decideWorkingSession: recording a working session', () => {
  it('records who met, when, where and with whom, and who typed it in', () => {
    expect(decideWorkingSession(record(), NONE)).toEqual([
      {
        type: 'WorkingSessionRecorded',
        data: {
          sessionId: SESSION_ID,
          workingGroup: 1,
          date: '2025-08-04',
          communes: ['dong-kinh', 'ky-lua', 'tam-thanh', 'luong-van-tri'],
          place: 'Tam Thanh ward headquarters',
          leader: 'Hoang Van Nghiem',
          minutesRef: 'BB-01/2025',
          recordedAt: NOW,
          recordedBy: 'secretariat-clerk',
        },
      },
    ]);
  });

  it('place, leader and minutes may be left out', () => {
    const [event] = decideWorkingSession(record({ place: null, leader: null, minutesRef: null }), NONE);
    expect(event.data).toMatchObject({ place: null, leader: null, minutesRef: null });
  });

  it('keeps its own copy of the communes', () => {
    const communes = ['tam-thanh'];
    const [event] = decideWorkingSession(record({ communes }), NONE);
    communes.push('ky-lua');
    expect(event.data.communes).toEqual(['tam-thanh']);
  });

  const others: Array<[Role, Actor]> = [
    ['committee', committee()],
    ['department', department('home-affairs')],
    ['commune', commune('tam-thanh')],
    ['auditor', auditor()],
    ['admin', { sub: 'admin-1', name: 'Admin', role: 'admin' }],
    ['system', system()],
  ];
  it.each(others)('by %s is AUTH.ROLE_NOT_ALLOWED (secretariat only)', (_role, actor) => {
    expect(refusalOf(() => decideWorkingSession(record({ actor }), NONE))).toEqual(REFUSED.roleNotAllowed);
  });

  it('the role is checked before anything else', () => {
    const cmd = record({ actor: committee(), communes: [], date: 'soon' });
    expect(refusalOf(() => decideWorkingSession(cmd, recorded()))).toEqual(REFUSED.roleNotAllowed);
  });

  it('a session is recorded once: SESSION.ALREADY_EXISTS', () => {
    expect(refusalOf(() => decideWorkingSession(record(), recorded()))).toEqual(REFUSED.alreadyExists);
  });

  it('needs at least one commune', () => {
    expect(refusalOf(() => decideWorkingSession(record({ communes: [] }), NONE))).toEqual(REFUSED.noCommunes);
  });

  it(`takes at most ${MAX_SESSION_COMMUNES} communes`, () => {
    const communes = (n: number) => Array.from({ length: n }, (_, i) => `commune-${i}`);
    expect(decideWorkingSession(record({ communes: communes(MAX_SESSION_COMMUNES) }), NONE)).toHaveLength(1);
    expect(refusalOf(() => decideWorkingSession(record({ communes: communes(MAX_SESSION_COMMUNES + 1) }), NONE))).toEqual(
      REFUSED.noCommunes,
    );
  });

  it('names each commune once', () => {
    const cmd = record({ communes: ['tam-thanh', 'ky-lua', 'tam-thanh'] });
    expect(refusalOf(() => decideWorkingSession(cmd, NONE))).toEqual(REFUSED.duplicateCommune);
  });

  it.each([
    ['not a date', 'the fourth'],
    ['without leading zeros', '2025-8-4'],
    ['a day that does not exist', '2025-02-30'],
    ['a month that does not exist', '2025-13-01'],
    ['with a time', '2025-08-04T09:00:00+07:00'],
    ['empty', ''],
  ])('a date %s is SESSION.INVALID_DATE', (_what, date) => {
    expect(refusalOf(() => decideWorkingSession(record({ date }), NONE))).toEqual(REFUSED.invalidDate);
  });

  it('a leap day is a calendar day', () => {
    expect(decideWorkingSession(record({ date: '2024-02-29' }), NONE)).toHaveLength(1);
  });

  it('a session long past may be recorded; one more than a year ahead may not', () => {
    expect(decideWorkingSession(record({ date: '2019-05-20' }), NONE)).toHaveLength(1);
    expect(decideWorkingSession(record({ date: '2026-08-06' }), NONE)).toHaveLength(1);
    const tooFar = plus(NOW, 367 * DAY).slice(0, 10);
    expect(refusalOf(() => decideWorkingSession(record({ date: tooFar }), NONE))).toEqual(REFUSED.invalidDate);
  });

  it('refusals are DomainErrors with the kind the HTTP layer maps', () => {
    try {
      decideWorkingSession(record({ communes: [] }), NONE);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(Object.values(SessionErrorCodes)).toContain((error as DomainError).code);
    }
  });
});

describe('evolveWorkingSession', () => {
  it('a recorded session is its event, under its id', () => {
    expect(recorded()).toEqual({
      status: 'recorded',
      id: SESSION_ID,
      workingGroup: 1,
      date: '2025-08-04',
      communes: ['dong-kinh', 'ky-lua', 'tam-thanh', 'luong-van-tri'],
      place: 'Tam Thanh ward headquarters',
      leader: 'Hoang Van Nghiem',
      minutesRef: 'BB-01/2025',
      recordedAt: NOW,
      recordedBy: 'secretariat-clerk',
    });
  });

  it('an unknown event leaves the state alone', () => {
    const state = recorded();
    expect(evolveWorkingSession(state, { type: 'SomethingElse', data: {} } as never)).toBe(state);
  });
});

describe('streams and attachments', () => {
  it('sessions and files each have their own stream', () => {
    expect(workingSessionStream(SESSION_ID)).toBe(`${WORKING_SESSION_STREAM_PREFIX}${SESSION_ID}`);
    expect(workingSessionStream('abc')).toBe('session-abc');
    expect(attachmentStream('abc')).toBe(`${ATTACHMENT_STREAM_PREFIX}abc`);
    expect(attachmentStream('abc')).toBe('attachment-abc');
  });

  it('a file is cited first by whoever uploaded it: ATTACHMENT.NOT_YOURS otherwise', () => {
    expect(() => attachmentCitedByItsUploader('home-affairs-officer', department('home-affairs'), 'att-1')).not.toThrow();
    expect(refusalOf(() => attachmentCitedByItsUploader('home-affairs-officer', department('finance'), 'att-1'))).toEqual({
      code: AttachmentErrorCodes.notYours,
      kind: 'invalid',
    });
    expect(AttachmentErrorCodes.notYours).toBe('ATTACHMENT.NOT_YOURS');
  });
});
