export function check(value, sets) {
  return Object.values(sets).every((test) => test(value));
}
export function sleep() {}
export function group(_name, fn) {
  return fn();
}
export function fail(message) {
  throw new Error(message);
}
export default { check, sleep, group, fail };
