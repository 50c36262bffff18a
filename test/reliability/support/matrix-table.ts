/**
 * API.md's authorization rules as one table: one row per route (commands from their valid
 * status), one column per caller. A cell is the status for the in-scope item, or `in/out` when
 * the out-of-scope item gets another; on a list, `+` means the item (or session) is listed and
 * `-` that it is not. Rows without an item have one value per caller.
 *
 * The callers, against the two items each row is tried on:
 * - in-scope item: raised by tam-thanh, assigned to construction, returned, then assigned to
 *   home-affairs as lead with industry-trade coordinating (its part due with the lead's); for
 *   `accepted`: returned by home-affairs too; for `resolved`: resolved by it; for
 *   `explanation-requested`: still assigned, and once overdue the committee required an explanation;
 * - out-of-scope item: the same story for na-sam, justice, health and education-training.
 * - dept-in = home-affairs (leads the in-scope item), dept-held = construction (held it before),
 *   dept-coord = industry-trade (coordinates it), dept-out = finance (never held either),
 *   commune-own = tam-thanh, commune-other = luong-van-tri.
 * - `sessions-list` is tried on a working session of tam-thanh alone (in) and of na-sam alone (out).
 *
 * A coordinating department reads like a department that held the item: the item, its history,
 * the lists and the reports; it acts only by contributing (403 on the lead's commands, and the
 * lead, like a department that held the item, gets 403 RECOMMENDATION.NOT_COORDINATING on
 * `contribution`). Only the lead explains. `explanation-request` is sent while the item is overdue
 * (the test moves the clock past its due date for that request, and for the answer to it).
 *
 * Where API.md leaves a cell open, the table follows the app's choice: a commune may not read
 * history (403) nor reports (403); audit events and verify are the auditor's (403 for others);
 * the audit public key and /health are public; /directory needs a token. The administrator (a
 * session, not a token) manages accounts and the directory and nothing else: 403 on every route
 * about items, reports, audit, sessions and attachments, even the lists (rather than an empty
 * one). Reports, of now or of the past, count what the caller may read: a department that held or
 * coordinates an item still counts it. A role the command's "who" column does not list gets 403
 * even on an item it cannot see (the role is checked first). Working sessions are read by every
 * role that reads items, a commune only those it took part in (`GET /sessions` answers 200 with
 * the others left out). Files are uploaded by the roles whose commands cite them: the
 * secretariat, departments (any, as upload precedes citing) and communes; the committee, whose
 * commands cite none, and the auditor get 403.
 */
export const CALLERS = [
  'secretariat',
  'committee',
  'dept-in',
  'dept-out',
  'dept-held',
  'dept-coord',
  'commune-own',
  'commune-other',
  'auditor',
  'admin',
  'none',
] as const;
export type Caller = (typeof CALLERS)[number];

export const MATRIX = `
row                                secretariat committee dept-in   dept-out dept-held dept-coord commune-own commune-other auditor admin none
raise                              201         403       403       403      403       403        201/403     403           403     403   401
accept(raised)                     200         403       403       403      403       403        403         403           403     403   401
decline(raised)                    200         403       403       403      403       403        403         403           403     403   401
assign(accepted)                   200         403       403       403      403       403        403         403           403     403   401
acknowledge(assigned)              403         403       200/404   404      403/404   403/404    403         403           403     403   401
progress(assigned)                 403         403       200/404   404      403/404   403/404    403         403           403     403   401
extension-request(assigned)        403         403       200/404   404      403/404   403/404    403         403           403     403   401
extend(assigned)                   200         200       403       403      403       403        403         403           403     403   401
return(assigned)                   403         403       200/404   404      403/404   403/404    403         403           403     403   401
resolve(assigned)                  403         403       200/404   404      403/404   403/404    403         403           403     403   401
resolve(accepted)                  200         403       403/404   404      403/404   403/404    403         403           403     403   401
reopen(resolved)                   200         200       403       403      403       403        403         403           403     403   401
list                               200+        200+      200+/200- 200-     200+/200- 200+/200-  200+/200-   200-          200+    403   401
item                               200         200       200/404   404      200/404   200/404    200/404     404           200     403   401
item-asOf                          200         200       200/404   404      200/404   200/404    200/404     404           200     403   401
history                            200         200       200/404   404      200/404   200/404    403         403           200     403   401
item-unknown-id                    404         404       404       404      404       404        404         404           404     403   401
history-unknown-id                 404         404       404       404      404       404        403         403           404     403   401
reports-overdue                    200         200       200       200      200       200        403         403           200     403   401
reports-summary                    200         200       200       200      200       200        403         403           200     403   401
reports-summary-asOf               200+        200+      200+/200- 200-     200+/200- 200+/200-  403         403           200+    403   401
reports-overdue-asOf               200+        200+      200+/200- 200-     200+/200- 200+/200-  403         403           200+    403   401
reports-overdue-page               200+        200+      200+/200- 200-     200+/200- 200+/200-  403         403           200+    403   401
reports-overdue-cursor             200         200       200       200      200       200        403         403           200     403   401
audit-events                       403         403       403       403      403       403        403         403           200     403   401
audit-verify                       403         403       403       403      403       403        403         403           200     403   401
audit-public-key                   200         200       200       200      200       200        200         200           200     200   200
directory                          200         200       200       200      200       200        200         200           200     200   401
health                             200         200       200       200      200       200        200         200           200     200   200
directory-asOf                     200         200       200       200      200       200        200         200           200     200   401
auth-me                            200         200       200       200      200       200        200         200           200     200   401
admin-users                        403         403       403       403      403       403        403         403           403     200   401
admin-users-create                 403         403       403       403      403       403        403         403           403     201   401
admin-directory-add                403         403       403       403      403       403        403         403           403     201   401
admin-directory-rename             403         403       403       403      403       403        403         403           403     200   401
jobs-unknown                       403         403       403       403      403       403        403         403           403     404   401
contribution(assigned)             403         403       403/404   404      403/404   200/404    403         403           403     403   401
explanation-request(overdue)       403         200       403       403      403       403        403         403           403     403   401
explanation(explanation-requested) 403         403       200/404   404      403/404   403/404    403         403           403     403   401
sessions-record                    201         403       403       403      403       403        403         403           403     403   401
sessions-list                      200+        200+      200+      200+     200+      200+       200+/200-   200-          200+    403   401
attachments-upload                 201         403       201       201      201       201        201         201           403     403   401
`;

export interface Expected {
  status: number;
  /** On the list: whether the item must appear. */
  listed?: boolean;
}

export interface MatrixRow {
  name: string;
  cells: Record<Caller, { in: Expected; out: Expected }>;
}

function parseOne(text: string): Expected {
  const match = /^(\d{3})([+-]?)$/.exec(text);
  if (!match) throw new Error(`bad matrix cell "${text}"`);
  return { status: Number(match[1]), ...(match[2] ? { listed: match[2] === '+' } : {}) };
}

export function parseMatrix(text: string = MATRIX): MatrixRow[] {
  const [header, ...lines] = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  if (header.slice(1).join() !== CALLERS.join()) throw new Error(`matrix columns ${header.slice(1).join()} ≠ ${CALLERS.join()}`);
  return lines.map(([name, ...cells]) => {
    if (cells.length !== CALLERS.length) throw new Error(`matrix row ${name} has ${cells.length} cells`);
    const entries = CALLERS.map((caller, i) => {
      const [inside, outside = inside] = cells[i].split('/');
      return [caller, { in: parseOne(inside), out: parseOne(outside) }] as const;
    });
    return { name, cells: Object.fromEntries(entries) as MatrixRow['cells'] };
  });
}
