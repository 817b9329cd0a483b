// Cron schedules in UTC: 5 fields (minute precision) or 6 fields with leading seconds, lists, ranges, steps,
// month/day names and the @hourly-style macros. `TZ=` prefixes other than UTC are rejected at sync.
type Field = { values: Set<number>; any: boolean };
export type CronSchedule = {
  seconds: Field;
  minutes: Field;
  hours: Field;
  days: Field;
  months: Field;
  weekdays: Field;
};

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function parseField(text: string, min: number, max: number, names?: string[], nameBase = 0): Field {
  const values = new Set<number>();
  const toNumber = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const value = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`"${token}" is out of range`);
    return value;
  };
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`bad step in "${part}"`);
    let low = min;
    let high = max;
    if (range !== "*" && range !== "?") {
      const [a = "", b] = range.split("-");
      low = toNumber(a);
      high = b === undefined ? (stepText === undefined ? low : max) : toNumber(b);
    }
    if (low > high) throw new Error(`bad range "${part}"`);
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return { values, any: text === "*" || text === "?" };
}

export function parseCron(expression: string): CronSchedule {
  let text = expression.trim();
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(text);
  if (tz) {
    if (!["UTC", "Etc/UTC", "GMT"].includes(tz[1] ?? ""))
      throw new Error(`time zone ${tz[1]} is not supported (UTC only)`);
    text = tz[2] ?? "";
  }
  text = MACROS[text] ?? text;
  const fields = text.split(/\s+/);
  if (fields.length === 5) fields.unshift("0");
  if (fields.length !== 6) throw new Error("expected 5 or 6 fields");
  const [s = "", m = "", h = "", dom = "", mon = "", dow = ""] = fields;
  const weekdays = parseField(dow, 0, 7, DAYS);
  if (weekdays.values.has(7)) weekdays.values.add(0);
  return {
    seconds: parseField(s, 0, 59),
    minutes: parseField(m, 0, 59),
    hours: parseField(h, 0, 23),
    days: parseField(dom, 1, 31),
    months: parseField(mon, 1, 12, MONTHS, 1),
    weekdays,
  };
}

function dayMatches(c: CronSchedule, d: Date): boolean {
  const dom = c.days.values.has(d.getUTCDate());
  const dow = c.weekdays.values.has(d.getUTCDay());
  if (c.days.any) return dow;
  if (c.weekdays.any) return dom;
  return dom || dow;
}

/** The first instant strictly after `after` that the schedule fires at. */
export function nextCronTime(c: CronSchedule, after: Date): Date {
  const d = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  for (let guard = 0; guard < 500_000; guard++) {
    if (!c.months.values.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(c, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!c.hours.values.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!c.minutes.values.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else if (!c.seconds.values.has(d.getUTCSeconds())) {
      d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
    } else {
      return d;
    }
  }
  throw new Error("cron schedule never fires");
}
