import { Directory, ManualClock, provinceCalendar } from '@app/common';
import { DomainError, ErrorCodes, recommendationStream, type Actor } from '@app/recommendations';
import { tempSqliteStore } from '../../../test/support/temp-sqlite-store';
import { commune, department, secretariat } from '../../recommendations/src/testing/recommendation.builder';
import { ApplicationError, InvalidInputError, UnknownCodeError } from './application.errors';
import type { CommandInput, DeadlineInput } from './command-input';
import { createApplication, type Application } from './create-application';
import type { CommandOptions } from './recommendation-commands';

/** Friday 13 February 2026, 10:00 in the province: the Tet break starts the next day. */
const BEFORE_TET = '2026-02-13T10:00:00+07:00';

const raiseInput = {
  type: 'RaiseRecommendation',
  commune: 'tam-thanh',
  title: 'Invest in a centralized headquarters for Tam Thanh ward',
  description: 'The ward works from headquarters scattered over several locations.',
  category: 'headquarters',
  workingGroup: 1,
  sessionDate: '2025-08-04',
} satisfies CommandInput;

describe('RecommendationCommands', () => {
  const directory = Directory.load();
  const calendar = provinceCalendar();
  let subject: Awaited<ReturnType<typeof tempSqliteStore>>;
  let app: Application;

  beforeEach(async () => {
    subject = await tempSqliteStore();
    app = createApplication(subject.store, { directory, calendar, clock: new ManualClock(new Date(BEFORE_TET)) });
  });
  afterEach(() => subject.cleanup());

  const execute = (input: CommandInput, actor: Actor, options?: CommandOptions) => app.commands.execute(input, actor, options);
  /** What `execute` refused with; `await` inside, since some refusals are thrown before a promise exists (see below). */
  const failureOf = async (input: CommandInput, actor: Actor, options?: CommandOptions): Promise<unknown> => {
    try {
      await execute(input, actor, options);
    } catch (error) {
      return error;
    }
    throw new Error(`${input.type} was not refused`);
  };
  const raised = async () => (await execute(raiseInput, secretariat())).id;
  const accepted = async () => {
    const id = await raised();
    await execute({ type: 'AcceptRecommendation', recommendationId: id, note: null }, secretariat());
    return id;
  };
  const assigned = async () => {
    const id = await accepted();
    await execute(assignTo(id, 'home-affairs', { dueInWorkingDays: 10 }), secretariat());
    return id;
  };
  const assignTo = (id: string, code: string, due: DeadlineInput): CommandInput => ({
    type: 'AssignRecommendation',
    recommendationId: id,
    department: code,
    due,
    instructions: null,
  });
  const eventsOf = async (id: string) => subject.store.readStream(recommendationStream(id));
  const typesOf = async (id: string) => (await eventsOf(id)).map((e) => e.type);

  describe('directory codes are checked before anything is appended', () => {
    it.each([
      ['an unknown commune', { commune: 'atlantis' }, 'commune "atlantis"'],
      ['an unknown category', { category: 'space-program' }, 'category "space-program"'],
      ['an unknown working group', { workingGroup: 6 }, 'working group 6'],
    ])('a raise naming %s is DIRECTORY.UNKNOWN_CODE', async (_, fields, named) => {
      const error = await failureOf({ ...raiseInput, ...fields }, secretariat());
      expect(error).toBeInstanceOf(UnknownCodeError);
      expect(error).toMatchObject({ code: 'DIRECTORY.UNKNOWN_CODE', kind: 'invalid' });
      expect((error as Error).message).toContain(named);
      expect(await subject.store.headPosition()).toBe(0n);
    });

    it('names every unknown code of one command at once', async () => {
      const error = await failureOf({ ...raiseInput, commune: 'atlantis', category: 'space-program' }, secretariat());
      expect((error as Error).message).toMatch(/commune "atlantis".*category "space-program"/);
    });

    it('a commune raising for an unknown commune gets the directory code, not the domain refusal', async () => {
      const error = await failureOf({ ...raiseInput, commune: 'atlantis' }, commune('atlantis'));
      expect(error).toMatchObject({ code: 'DIRECTORY.UNKNOWN_CODE' });
      expect(await subject.store.headPosition()).toBe(0n);
    });

    it('an assignment to an unknown department leaves the item as it was', async () => {
      const id = await accepted();
      const error = await failureOf(assignTo(id, 'ministry-of-magic', { dueInWorkingDays: 5 }), secretariat());
      expect(error).toMatchObject({ constructor: UnknownCodeError, code: 'DIRECTORY.UNKNOWN_CODE' });
      expect(await typesOf(id)).toEqual(['RecommendationRaised', 'RecommendationAccepted']);
    });

    it('a reopening to an unknown department leaves the item as it was', async () => {
      const id = await accepted();
      await execute({ type: 'ResolveRecommendation', recommendationId: id, resolution: 'Answered on the spot' }, secretariat());
      const error = await failureOf(
        {
          type: 'ReopenRecommendation',
          recommendationId: id,
          reason: 'No date given',
          due: { dueInWorkingDays: 5 },
          department: 'ministry-of-magic',
        },
        secretariat(),
      );
      expect(error).toMatchObject({ constructor: UnknownCodeError, code: 'DIRECTORY.UNKNOWN_CODE' });
      expect(await typesOf(id)).toEqual(['RecommendationRaised', 'RecommendationAccepted', 'RecommendationResolved']);
    });
  });

  describe('due dates', () => {
    it('dueInWorkingDays is counted on the province calendar from now: 5 working days before Tet end after it', async () => {
      const id = await accepted();
      await execute(assignTo(id, 'home-affairs', { dueInWorkingDays: 5 }), secretariat());
      const [assignment] = (await eventsOf(id)).slice(-1);

      expect(assignment.data.dueAt).toBe('2026-02-27T23:59:59+07:00');
      expect(assignment.data.dueBasis).toEqual(calendar.addWorkingDays(new Date(BEFORE_TET), 5).computation);
      expect(assignment.data.dueBasis).toMatchObject({ method: 'workingDays', workingDays: 5, fromLocalDate: '2026-02-13' });
    });

    it('counts from the `now` the caller gives, when it gives one', async () => {
      const id = await accepted();
      const now = new Date('2026-03-02T09:00:00+07:00');
      await execute(assignTo(id, 'home-affairs', { dueInWorkingDays: 5 }), secretariat(), { now });
      const [assignment] = (await eventsOf(id)).slice(-1);
      expect(assignment.data.dueAt).toBe(calendar.addWorkingDays(now, 5).dueAt);
      expect(assignment.data.assignedAt).toBe(now.toISOString());
    });

    it('an extension in working days is counted the same way', async () => {
      const id = await assigned();
      await execute(
        { type: 'ExtendDeadline', recommendationId: id, due: { dueInWorkingDays: 20 }, reason: 'Survey pending' },
        secretariat(),
      );
      const [extension] = (await eventsOf(id)).slice(-1);
      expect(extension.type).toBe('DeadlineExtended');
      expect(extension.data.dueAt).toBe(calendar.addWorkingDays(new Date(BEFORE_TET), 20).dueAt);
    });

    it('dueAt is kept as given, as an explicit due date', async () => {
      const id = await accepted();
      await execute(assignTo(id, 'home-affairs', { dueAt: '2026-03-31T17:00:00+07:00' }), secretariat());
      const [assignment] = (await eventsOf(id)).slice(-1);
      expect(assignment.data).toMatchObject({ dueAt: '2026-03-31T17:00:00+07:00', dueBasis: { method: 'explicit' } });
    });

    it.each([
      ['both dueAt and dueInWorkingDays', { dueAt: '2026-03-31T17:00:00+07:00', dueInWorkingDays: 5 }],
      ['neither dueAt nor dueInWorkingDays', {}],
    ])('%s is VALIDATION.FAILED, and nothing is appended', async (_, due) => {
      const id = await accepted();
      const error = await failureOf(assignTo(id, 'home-affairs', due), secretariat());
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ code: 'VALIDATION.FAILED', kind: 'invalid' });
      expect(await typesOf(id)).toEqual(['RecommendationRaised', 'RecommendationAccepted']);
    });
  });

  it.each([0, 1.5, 366])('dueInWorkingDays %s is VALIDATION.FAILED from every way in, not only over HTTP', async (days) => {
    const id = await accepted();
    const error = await failureOf(assignTo(id, 'home-affairs', { dueInWorkingDays: days }), secretariat());
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', kind: 'invalid' });
  });

  it('a refusal comes through the returned promise', async () => {
    const outcomes = await Promise.allSettled([
      execute({ ...raiseInput, commune: 'atlantis' }, secretariat()),
      execute(raiseInput, secretariat()),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
  });

  describe('item ids', () => {
    it.each(['rec-tam-thanh-headquarters', '42', '../../etc/passwd', "1' OR '1'='1", '0f8fad5b-d9cb-469f-a165-70867728950'])(
      'an id that is not a UUID (%s) is not_found, like any unknown item, and nothing is appended',
      async (id) => {
        const error = await failureOf({ type: 'AcceptRecommendation', recommendationId: id, note: null }, secretariat());
        expect(error).toBeInstanceOf(ApplicationError);
        expect(error).toMatchObject({ code: ErrorCodes.notFound, kind: 'not_found' });
        expect(await subject.store.headPosition()).toBe(0n);
      },
    );

    it('a well-formed id of no item is the same not found, from the domain', async () => {
      const error = await failureOf(
        { type: 'AcceptRecommendation', recommendationId: '0f8fad5b-d9cb-469f-a165-70867728950e', note: null },
        secretariat(),
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: ErrorCodes.notFound, kind: 'not_found' });
    });

    it('a UUID in capitals names the same item', async () => {
      const id = await raised();
      const result = await execute(
        { type: 'AcceptRecommendation', recommendationId: id.toUpperCase(), note: null },
        secretariat(),
      );
      expect(result).toMatchObject({ id, revision: 1, status: 'accepted' });
      expect(await typesOf(id)).toEqual(['RecommendationRaised', 'RecommendationAccepted']);
    });
  });

  it('records who issued the command and when, from the actor and the clock', async () => {
    const id = await assigned();
    const officer = department('home-affairs');
    await execute({ type: 'AcknowledgeAssignment', recommendationId: id }, officer);
    const [acknowledged] = (await eventsOf(id)).slice(-1);
    expect(acknowledged.metadata).toMatchObject({ actor: officer, occurredAt: new Date(BEFORE_TET).toISOString() });
  });
});
