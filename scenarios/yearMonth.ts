// Calendar months written YYYY-MM (the as-of date, history files' months), counted and stepped.

function parts(month: string): [number, number] {
  return [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
}

function written(year: number, monthNumber: number): string {
  return `${year}-${String(monthNumber).padStart(2, '0')}`;
}

export function nextMonth(month: string): string {
  const [year, m] = parts(month);
  return m === 12 ? written(year + 1, 1) : written(year, m + 1);
}

export function previousMonth(month: string): string {
  const [year, m] = parts(month);
  return m === 1 ? written(year - 1, 12) : written(year, m - 1);
}

/** Whole months from `from` to `to`: positive when `to` is later, 0 for the same month. */
export function monthsBetween(from: string, to: string): number {
  const [fromYear, fromMonth] = parts(from);
  const [toYear, toMonth] = parts(to);
  return (toYear - fromYear) * 12 + toMonth - fromMonth;
}

/** The month's last day, 28 to 31. */
export function lastDayOfMonth(month: string): number {
  const [year, m] = parts(month);
  // Day 0 of the next month is the last day of this one (Date.UTC normalises the overflow).
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}
