// The password policy (issue 10, credentials): zxcvbn-ts's strength estimate
// in process, through lib/passwords/policy.ts (password-strength.ts): the
// one-time load, and the time each password a person sets adds to the request
// (target p95 ≤ 10 ms: a check blocks the event loop). Takes a few seconds.
import path from "node:path";
import { fmt } from "./report.mjs";
import { lastJsonLine, runNode } from "./server.mjs";

export default {
  id: "passwords",
  title: "Password strength check (zxcvbn-ts)",
  seconds: 10,
  options: {},
  async run({ root, metric, step, runs }) {
    step("password strength estimate in process");
    const stdout = await runNode(root, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "bench", "password-strength.ts")]);
    const r = lastJsonLine(stdout);
    runs.password_strength = r;
    metric({ id: "first_check_ms", metric: "First check in a process (loads the dictionaries)", value: r.first_ms, display: `${fmt(r.first_ms)} ms`, target: "(info)", pass: null });
    metric({ id: "check_p95_ms", metric: `Each later check (${r.checks} passwords), p95`, value: r.p95_ms, display: `${fmt(r.p95_ms)} ms (p50 ${fmt(r.p50_ms)}, max ${fmt(r.max_ms)})`, target: "p95 ≤ 10 ms", pass: r.p95_ms <= 10 });
  },
};
