// Metric classes that record their type, name, isTime flag and every value added.
import { recorder } from './recorder.mjs';

class Metric {
  constructor(type, name, isTime) {
    this.record = { type, name, isTime: isTime === true, values: [] };
    recorder.metrics.push(this.record);
  }
  add(value, tags) {
    this.record.values.push(value);
    if (tags !== undefined) {
      this.record.tags = tags;
    }
  }
}

export class Counter extends Metric {
  constructor(name, isTime) {
    super('Counter', name, isTime);
  }
}
export class Gauge extends Metric {
  constructor(name, isTime) {
    super('Gauge', name, isTime);
  }
}
export class Rate extends Metric {
  constructor(name, isTime) {
    super('Rate', name, isTime);
  }
}
export class Trend extends Metric {
  constructor(name, isTime) {
    super('Trend', name, isTime);
  }
}

export default { Counter, Gauge, Rate, Trend };
