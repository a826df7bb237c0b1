// Records every request and answers from a fixed cycle of statuses (K6_STUB_STATUSES, comma-separated),
// with a duration that grows with the request number, so that tests can predict what the script adds.
import { recorder } from './recorder.mjs';

const STATUSES = (process.env.K6_STUB_STATUSES ?? '200').split(',').map(Number);

export function request(method, url, body, params) {
  const index = recorder.requests.length;
  const status = STATUSES[index % STATUSES.length];
  recorder.requests.push({ method, url, body: body ?? null, params: params ?? null, status });
  return { status, body: '', headers: {}, timings: { duration: 10 + index } };
}

const verb = (method) => (url, ...rest) =>
  ['GET', 'HEAD'].includes(method) ? request(method, url, null, rest[0]) : request(method, url, rest[0], rest[1]);
export const get = verb('GET');
export const head = verb('HEAD');
export const post = verb('POST');
export const put = verb('PUT');
export const patch = verb('PATCH');
export const del = verb('DELETE');
export const options = verb('OPTIONS');

export default { request, get, head, post, put, patch, del, options };
