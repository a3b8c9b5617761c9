// The bench's sections, in the order `npm run bench` runs them. Each is a
// module in this folder whose default export is a Section (below); to add one,
// write scripts/bench/<id>.mjs and list it here. `--only <id,...>` runs a
// subset, still in this order. An opt-in section (too long for every run)
// runs only when named in --only or when one of its options is given.
import activity1m from "./activity-1m.mjs";
import activitySearch from "./activity-search.mjs";
import foundation from "./foundation.mjs";
import oidc from "./oidc.mjs";
import passwords from "./passwords.mjs";
import replicas from "./replicas.mjs";
import signInStorm from "./sign-in-storm.mjs";
import tokens from "./tokens.mjs";
import users100k from "./users-100k.mjs";

export const SECTIONS = [foundation, tokens, users100k, passwords, signInStorm, replicas, oidc, activity1m, activitySearch];

/**
 * @typedef {object} Metric  One row of the results table.
 * @property {string} id        stable key, unique within the section (the JSON has it as "<section>.<id>")
 * @property {string} metric    the row's label (indent a sub-row with two spaces)
 * @property {number} value     the figure the target is checked against, in the unit of the id
 * @property {string} display   the figure as printed
 * @property {string} target    e.g. "≥ 80 %", "p95 ≤ 50 ms", "(info)", "(baseline)"
 * @property {boolean|null} pass  null for rows without a target
 *
 * @typedef {object} SectionContext
 * @property {string} root                    repository root
 * @property {"sqlite"|"postgres"} dialect   the database this pass measures (server.mjs's startServer and databaseEnv follow it)
 * @property {Record<string, any>} options    this section's parsed options (see Section.options)
 * @property {(m: Metric) => void} metric     adds a row to the table and the JSON
 * @property {(text: string) => void} step    prints a progress line
 * @property {(text: string) => void} warn    prints a warning and keeps it for the report
 * @property {(run: object) => boolean} checkLoad  true when an autocannon run saw only 2xx; warns otherwise
 * @property {Record<string, unknown>} runs   raw figures for the JSON (per section)
 *
 * @typedef {object} SectionOption
 * @property {string} flag      e.g. "--users"
 * @property {string} value     e.g. "<n>"
 * @property {string} help
 * @property {unknown} default
 * @property {(text: string|undefined) => unknown} parse  throws with a usage message on a bad value
 *
 * @typedef {object} Section
 * @property {string} id          what --only takes
 * @property {string} title       heading in the table
 * @property {number} seconds     rough duration on the reference machine, for the plan printed at start
 * @property {boolean} [optIn]    left out of the default run (see above)
 * @property {("sqlite"|"postgres")[]} [dialects]  the dialects it runs on (default: every one --dialect picks)
 * @property {Record<string, SectionOption>} options
 * @property {(ctx: SectionContext) => Promise<void>} run  starts and stops its own servers
 */
