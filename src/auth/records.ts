/**
 * What is wrong with a stored record, as a message can say it: the first field zod refused
 * and why, so "clients.json is unreadable" names the entry's bad field instead of guessing.
 */
import type { z } from 'zod';

export function recordIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not have the expected shape';
  const field = issue.path.map(String).join('.');
  return field ? `"${field}": ${issue.message}` : issue.message;
}
