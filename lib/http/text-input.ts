/**
 * A text field's type error says which of the two went wrong: "Name is required" when the field is missing
 * (or null), "Name must be text" when a number, a list or an object came instead. A script that sent
 * {"name": 123} read "Name is required" for a name it had sent (review 22). No server code: form schemas use it.
 */
export const textError = (label: string) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? `${label} is required` : `${label} must be text`;
