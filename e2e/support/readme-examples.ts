/**
 * The README's API examples, as written, for e2e/api/readme-examples.spec.ts.
 *
 * What counts (README, "## API"): every ```sh block from "## API" to the next "## " heading, except one right after
 * a `<!-- readme-examples: skip … -->` line; then, elsewhere, each block right after `<!-- readme-examples: run -->`. A block is split into commands (lines joined while a line ends in `\`
 * or a single-quoted string is still open) and the comment lines after a command that start with `{`, `[`, a status
 * (`201 {…}`) or indentation: its answer as the README shows it. The README's own convention for values from earlier
 * answers: a placeholder (`<role id>`, or a token's prefix and an ellipsis: `lkp_…`) stands for the value an earlier
 * answer shows in its place (`# {"id":"<role id>",…}`), the latest such answer's; `TOKEN=lkp_…` sets a shell variable to it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

export type Example = {
  /** The command exactly as in the README (continuation lines joined by newlines). */
  command: string;
  /** Its README line number (1-based), for failure messages. */
  line: number;
  /** The answer the README shows (comment text without `# `), "" if none. */
  answer: string;
  /** The status the README names at the start of the answer (`# 201 {…}`), else null (any 2xx). */
  status: number | null;
  /** Field names the README's answer shows: each must be in the real answer. */
  fields: string[];
  /** `"field":"<placeholder>"` in the answer: later commands' placeholder is the real answer's field. */
  captures: { field: string; placeholder: string }[];
  /** `NAME=value`: a shell variable the README sets (to a placeholder's value, or as written). */
  assignment: { variable: string; value: string } | null;
};

export type Block = { line: number; examples: Example[] };

/** `<role id>`, or a token's prefix with an ellipsis (`lkp_…`, `lki_…`). */
const PLACEHOLDER = /<[a-z][a-z0-9 _'-]*>|\blk[a-z]_…/;

const SKIP = /^<!--\s*readme-examples:\s*skip\b/;
const RUN = /^<!--\s*readme-examples:\s*run\b/;

/**
 * The ```sh blocks of the README's "## API" section (up to the next "## " heading), with their examples; then the
 * blocks elsewhere that follow a `<!-- readme-examples: run -->` line (they use the API section's `$TOKEN`).
 */
export function apiBlocks(readme: string): Block[] {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l === "## API");
  if (start < 0) throw new Error('README has no "## API" section');
  let end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = lines.length;
  const api: Block[] = [];
  const marked: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```sh") continue;
    let before = i - 1;
    while (before > 0 && lines[before].trim() === "") before--;
    const close = lines.findIndex((l, j) => j > i && l === "```");
    if (close < 0) throw new Error(`README line ${i + 1}: unclosed \`\`\`sh block`);
    const block = () => ({ line: i + 1, examples: examplesOf(lines.slice(i + 1, close), i + 2) });
    if (i > start && i < end) {
      if (!SKIP.test(lines[before])) api.push(block());
    } else if (RUN.test(lines[before])) marked.push(block());
    i = close;
  }
  return [...api, ...marked];
}

function isAnswerComment(text: string): boolean {
  return /^(\{|\[|\d{3}\b|\s)/.test(text);
}

function examplesOf(lines: string[], firstLine: number): Example[] {
  const examples: Example[] = [];
  let current: Example | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const text = line.replace(/^#\s?/, "");
      if (current && isAnswerComment(text)) current.answer += (current.answer ? "\n" : "") + text;
      else current = undefined; // a description: it belongs to the next command
      continue;
    }
    const at = i;
    let command = line;
    while (continues(command) && i + 1 < lines.length) command += "\n" + lines[++i];
    const inline = trailingComment(command);
    current = { command, line: firstLine + at, answer: inline ?? "", status: null, fields: [], captures: [], assignment: null };
    const assign = /^([A-Z][A-Z0-9_]*)=(\S*)$/.exec(stripComment(command).trim());
    if (assign) current.assignment = { variable: assign[1], value: assign[2] };
    examples.push(current);
  }
  for (const example of examples) describeAnswer(example);
  return examples;
}

/** Whether a command goes on: a trailing backslash, or a single-quoted string still open. */
function continues(command: string): boolean {
  if (/\\$/.test(command)) return true;
  return (stripComment(command).match(/'/g) ?? []).length % 2 === 1;
}

/** The command without a trailing `# comment` outside quotes. */
function stripComment(command: string): string {
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(command[i - 1]))) return command.slice(0, i);
  }
  return command;
}

function trailingComment(command: string): string | null {
  const code = stripComment(command);
  if (code.length === command.length) return null;
  const text = command.slice(code.length).replace(/^#\s?/, "");
  return isAnswerComment(text) || text.startsWith("{") ? text : null;
}

function describeAnswer(example: Example) {
  const status = /^(\d{3})\b/.exec(example.answer);
  example.status = status ? Number(status[1]) : null;
  example.fields = [...new Set([...example.answer.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)"\s*:/g)].map((m) => m[1]))];
  example.captures = [...example.answer.matchAll(new RegExp(`"([A-Za-z_][A-Za-z0-9_]*)"\\s*:\\s*"(${PLACEHOLDER.source})"`, "g"))].map((m) => ({
    field: m[1],
    placeholder: m[2],
  }));
}

export function readmeApiBlocks(file: string): Block[] {
  return apiBlocks(fs.readFileSync(file, "utf8"));
}

/** The first value of `field` in a JSON answer, breadth first (top level before nested objects and arrays). */
export function findField(value: unknown, field: string): unknown {
  const queue: unknown[] = [value];
  while (queue.length > 0) {
    const next = queue.shift();
    if (Array.isArray(next)) queue.push(...next);
    else if (next && typeof next === "object") {
      if (Object.hasOwn(next, field)) return (next as Record<string, unknown>)[field];
      queue.push(...Object.values(next));
    }
  }
  return undefined;
}

export type Outcome = { example: Example; status: number; body: string; problems: string[] };

/**
 * Runs one example with bash as a reader would (curl as written, the README's `http://localhost:3000` being
 * `baseURL`; placeholders replaced by the values earlier answers gave), with the session's shell variables in its
 * environment (`set -u`: a variable nobody set fails the example). Notes the placeholders its answer gives, and says what differs from the README: the status (the one it names, else any
 * 2xx), a field it shows that the real answer lacks, a value it captures that isn't there.
 */
export type Session = { vars: Record<string, string>; placeholders: Map<string, string> };

export function runExample(example: Example, baseURL: string, cwd: string, session: Session): Outcome {
  const problems: string[] = [];
  const code = stripComment(example.command).replaceAll("http://localhost:3000", baseURL);
  const command = code.replace(new RegExp(PLACEHOLDER.source, "g"), (placeholder) => {
    const value = session.placeholders.get(placeholder);
    if (value === undefined) problems.push(`${placeholder}: no earlier answer shows it ("field":"${placeholder}")`);
    return value ?? placeholder;
  });
  if (example.assignment) {
    const value = /=(\S*)$/.exec(command.trim())![1];
    session.vars[example.assignment.variable] = value;
    return { example, status: 0, body: "", problems };
  }
  if (!/^curl\s/.test(command.trim())) problems.push("is not a curl command");
  // curl's own output as written; the status on a line of its own after it, for the check.
  const script = `set -u\ncurl() { command curl --write-out '\\n%{http_code}' "$@"; }\n${command}\n`;
  const env = { PATH: process.env.PATH, HOME: cwd, ...session.vars } as unknown as NodeJS.ProcessEnv;
  const run = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8", timeout: 30_000 });
  const out = run.stdout ?? "";
  const cut = out.lastIndexOf("\n");
  const status = Number(out.slice(cut + 1));
  const body = cut < 0 ? "" : out.slice(0, cut);
  if (run.status !== 0) problems.push(`bash exited ${run.status}: ${run.stderr.trim()}`);
  const expected = example.status;
  if (expected !== null ? status !== expected : !(status >= 200 && status < 300)) {
    problems.push(`answered ${status}, README expects ${expected ?? "2xx"}: ${body.slice(0, 300)}`);
  }
  let json: unknown;
  try {
    json = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  for (const field of example.fields) {
    if (json === undefined || findField(json, field) === undefined) problems.push(`the answer has no "${field}" (README shows it): ${body.slice(0, 300)}`);
  }
  for (const { field, placeholder } of example.captures) {
    const value = json === undefined ? undefined : findField(json, field);
    if (typeof value === "string" && value) session.placeholders.set(placeholder, value);
    else problems.push(`no "${field}" in the answer for ${placeholder}`);
  }
  return { example, status, body, problems };
}
