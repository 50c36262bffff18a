import type { RecommendationState, StateOf } from './state';
import {
  COORDINATION_DUE_AT,
  DAY,
  DUE_AT,
  LETTER,
  aRecommendation,
  anAttachment,
  given,
  plus,
  secretariat,
} from './testing/recommendation.builder';
import { toView } from './view';

const HOME_AFFAIRS = 'home-affairs';
const FINANCE = 'finance';
const at = (iso: string) => new Date(iso);

function raised(state: RecommendationState): Exclude<RecommendationState, { status: 'none' }> {
  if (state.status === 'none') throw new Error('the item was never raised');
  return state;
}

describe('toView: sessions, coordination, explanations and files', () => {
  const minutes = anAttachment('att-minutes');
  const budget = anAttachment('att-budget');
  const scan = anAttachment('att-explanation');
  const letter = anAttachment('att-letter');

  it('a raise at a session shows the session, and its files among the item’s', () => {
    const history = aRecommendation().inSession('session-wg1-2025-08-04').documentsAttached('raise', [minutes]).build();
    const view = toView(raised(given(history)), history.length - 1, at(DUE_AT));
    expect(view).toMatchObject({
      revision: 2,
      sessionId: 'session-wg1-2025-08-04',
      workingGroup: 1,
      sessionDate: '2025-08-04',
      assignment: null,
      explanation: null,
      attachments: [{ ...minutes, with: 'raise' }],
    });
  });

  it('an item raised outside any recorded session has none', () => {
    expect(toView(raised(given(aRecommendation().build())), 0, at(DUE_AT))).toMatchObject({ sessionId: null, attachments: [] });
  });

  it('the assignment lists each coordinating part with its due date and contributions, files by id', () => {
    const contributedAt = plus(COORDINATION_DUE_AT, -DAY);
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .coordinatedBy([FINANCE, 'construction'])
      .contributed(FINANCE, { note: 'Budget line confirmed', attachments: [budget], at: contributedAt })
      .build();
    const view = toView(raised(given(history)), history.length - 1, at(DUE_AT));
    expect(view.assignment?.coordinating).toEqual([
      {
        department: FINANCE,
        dueAt: COORDINATION_DUE_AT,
        contributedAt,
        contributions: [{ note: 'Budget line confirmed', attachments: [budget.id], contributedAt }],
      },
      { department: 'construction', dueAt: COORDINATION_DUE_AT, contributedAt: null, contributions: [] },
    ]);
    expect(view.attachments).toEqual([{ ...budget, with: 'contribution', citedAt: contributedAt }]);
  });

  it('an overdue item with an explanation awaited shows it, then answered, with the files by id', () => {
    const requested = aRecommendation().accepted().assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT }).explanationRequested();
    const pending = toView(raised(given(requested.build())), 3, at(plus(DUE_AT, 2 * DAY)));
    expect(pending).toMatchObject({
      overdue: true,
      daysOverdue: 2,
      explanation: {
        requestedAt: plus(DUE_AT, DAY),
        requestedBy: 'committee-member',
        reason: 'Overdue by more than a week',
        dueAt: plus(DUE_AT, 8 * DAY),
        department: HOME_AFFAIRS,
        text: null,
        answeredAt: null,
        onTime: null,
        attachments: [],
      },
    });
    const answeredAt = plus(DUE_AT, 3 * DAY);
    const answered = requested.explained(HOME_AFFAIRS, { attachments: [scan], at: answeredAt }).build();
    expect(toView(raised(given(answered)), 4, at(answeredAt)).explanation).toEqual({
      requestedAt: plus(DUE_AT, DAY),
      requestedBy: 'committee-member',
      reason: 'Overdue by more than a week',
      dueAt: plus(DUE_AT, 8 * DAY),
      department: HOME_AFFAIRS,
      text: 'The land survey was delayed by the floods',
      answeredAt,
      onTime: true,
      attachments: [scan.id],
    });
  });

  it('a resolved item shows its letter, the assignment it was resolved under with its parts, and its explanation', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS, { dueAt: DUE_AT })
      .coordinatedBy([FINANCE])
      .explanationRequested()
      .resolved({ at: plus(DUE_AT, 2 * DAY) })
      .documentsAttached('resolution', [letter], { document: LETTER })
      .build();
    const view = toView(raised(given(history)), history.length - 1, at(plus(DUE_AT, 9 * DAY)));
    expect(view).toMatchObject({
      status: 'resolved',
      resolution: { onTime: false, department: HOME_AFFAIRS, document: LETTER },
      assignment: { department: HOME_AFFAIRS, coordinating: [{ department: FINANCE, contributedAt: null }] },
      explanation: { answeredAt: null },
      attachments: [{ id: letter.id, with: 'resolution' }],
      overdue: false,
    });
  });

  it('a resolution without a letter shows document null', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).resolved().build();
    expect(toView(raised(given(history)), 3, at(DUE_AT)).resolution).toMatchObject({ document: null });
  });

  it('answered on the spot after a return: no assignment, not even the returned one with its parts', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .coordinatedBy([FINANCE])
      .returned()
      .resolved({ by: secretariat() })
      .documentsAttached('resolution', [], { document: LETTER })
      .build();
    const state = given(history) as StateOf<'resolved'>;
    expect(toView(state, history.length - 1, at(DUE_AT))).toMatchObject({
      assignment: null,
      resolution: { department: null, document: LETTER },
    });
  });

  it('a returned item shows no assignment, though its coordinating departments still read it', () => {
    const history = aRecommendation().accepted().assignedTo(HOME_AFFAIRS).coordinatedBy([FINANCE]).returned().build();
    const state = raised(given(history));
    expect(toView(state, 4, at(DUE_AT)).assignment).toBeNull();
    expect(state.departmentsHeld).toEqual([HOME_AFFAIRS, FINANCE]);
  });

  it('after a merger, the view shows the departments the lead and the parts moved to', () => {
    const history = aRecommendation()
      .accepted()
      .assignedTo(HOME_AFFAIRS)
      .coordinatedBy([FINANCE])
      .transferred('justice')
      .coordinationTransferred(FINANCE, 'industry-trade')
      .build();
    expect(toView(raised(given(history)), 5, at(DUE_AT)).assignment).toMatchObject({
      department: 'justice',
      coordinating: [{ department: 'industry-trade', dueAt: COORDINATION_DUE_AT }],
    });
  });
});
