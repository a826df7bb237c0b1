// What the stubs saw, shared by the stubs and run.mjs (both run in the main thread).
export const recorder = (globalThis.__k6Recorder ??= { requests: [], metrics: [], statuses: [] });
