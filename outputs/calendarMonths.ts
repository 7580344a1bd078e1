// Simulation months as calendar dates, counted from the scenario's as-of month.

/** `YYYY-MM` of month m (0 = the as-of month). */
export function monthLabel(asOfDate: string, m: number): string {
  const year = Number(asOfDate.slice(0, 4));
  const month0 = Number(asOfDate.slice(5, 7)) - 1 + m;
  const y = year + Math.floor(month0 / 12);
  const mm = ((month0 % 12) + 12) % 12;
  return `${String(y).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of a fractional month (e.g. 28.5 = mid-way through month 28), days by calendar length. */
export function dateOfFractionalMonth(asOfDate: string, monthsFromStart: number): string {
  const whole = Math.floor(monthsFromStart);
  const label = monthLabel(asOfDate, whole);
  const year = Number(label.slice(0, 4));
  const month = Number(label.slice(5, 7));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(daysInMonth, 1 + Math.floor((monthsFromStart - whole) * daysInMonth));
  return `${label}-${String(day).padStart(2, '0')}`;
}
