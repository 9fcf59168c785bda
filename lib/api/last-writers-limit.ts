/** Keys per `GET …/last-writers` request: the states view asks in batches of this many (no zod here: the browser imports it). */
export const MAX_LAST_WRITER_KEYS = 50;
