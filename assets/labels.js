// Machine values said the way people say them: `full_time` → "Full-time", `on_hold` → "On hold".
// Every enum the UI shows or offers is listed here once, in the order forms offer it, with the
// badge tone it is drawn in. A value the table does not know (a new server value, free text
// typed elsewhere) is still humanized, never shown raw.

import { badge } from './dom.js';

/** `kind → [[value, label, tone]]`; tones are the badge kinds of app.css. */
const ENUMS = {
  stage: [
    ['sourced', 'Sourced', 'neutral'], ['applied', 'Applied', 'info'], ['screening', 'Screening', 'accent'],
    ['interview', 'Interview', 'accent'], ['offer', 'Offer', 'warning'], ['hired', 'Hired', 'success'],
    ['rejected', 'Rejected', 'danger'], ['withdrawn', 'Withdrawn', 'neutral'],
  ],
  job_status: [['open', 'Open', 'success'], ['draft', 'Draft', 'neutral'], ['on_hold', 'On hold', 'warning'], ['closed', 'Closed', 'danger']],
  level: [
    ['intern', 'Intern'], ['junior', 'Junior'], ['mid', 'Mid-level'], ['senior', 'Senior'], ['lead', 'Lead'],
    ['principal', 'Principal'], ['director', 'Director'], ['executive', 'Executive'],
  ],
  employment_type: [
    ['full_time', 'Full-time'], ['part_time', 'Part-time'], ['contract', 'Contract'], ['internship', 'Internship'],
    ['temporary', 'Temporary'], ['freelance', 'Freelance'],
  ],
  remote_option: [['onsite', 'On-site'], ['on_site', 'On-site'], ['hybrid', 'Hybrid'], ['remote', 'Remote']],
  source: [
    ['manual', 'Added by hand'], ['careers', 'Careers page'], ['referral', 'Referral'], ['linkedin', 'LinkedIn'],
    ['github', 'GitHub'], ['agency', 'Agency'], ['event', 'Event'], ['import', 'Import'], ['api', 'API'],
  ],
  offer_status: [
    ['draft', 'Draft', 'neutral'], ['sent', 'Sent', 'info'], ['accepted', 'Accepted', 'success'],
    ['declined', 'Declined', 'danger'], ['withdrawn', 'Withdrawn', 'neutral'],
  ],
  interview_status: [['scheduled', 'Scheduled', 'info'], ['completed', 'Completed', 'success'], ['cancelled', 'Cancelled', 'neutral']],
  interview_kind: [['video', 'Video call'], ['phone', 'Phone screen'], ['onsite', 'On-site'], ['technical', 'Technical'], ['panel', 'Panel']],
  recommendation: [
    ['strong_hire', 'Strong hire', 'success'], ['hire', 'Hire', 'success'], ['mixed', 'Mixed', 'warning'],
    ['no', 'No hire', 'danger'], ['strong_no', 'Strong no hire', 'danger'],
  ],
  role: [
    ['platform_admin', 'Platform admin'], ['org_admin', 'Organisation admin'], ['recruiter', 'Recruiter'],
    ['hiring_manager', 'Hiring manager'], ['interviewer', 'Interviewer'], ['agency', 'Agency'], ['talent', 'Talent'],
  ],
  delivery_outcome: [['delivered', 'Delivered', 'success'], ['retrying', 'Retrying', 'warning'], ['failed', 'Failed', 'danger']],
};

const BY_VALUE = Object.fromEntries(Object.entries(ENUMS).map(([kind, rows]) => [kind, new Map(rows.map((row) => [row[0], row]))]));

/** `full_time` → "Full time", `org-admin` → "Org admin": the fallback for values no table lists. */
export function humanize(value) {
  const text = String(value ?? '').trim().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
  return text ? text[0].toUpperCase() + text.slice(1) : '';
}

/** The label of `value` in `kind` (`label('stage', 'hired')` → "Hired"); unknown values are humanized. */
export function label(kind, value) {
  if (value === null || value === undefined || value === '') return '';
  const row = BY_VALUE[kind]?.get(value) || BY_VALUE[kind]?.get(String(value).toLowerCase());
  return row ? row[1] : humanize(value);
}

/** `[[value, label]]` in the table's order, for selects, tabs and datalists; `only` picks some. */
export function options(kind, { only } = {}) {
  const rows = ENUMS[kind] || [];
  return rows.filter(([value]) => !only || only.includes(value)).map(([value, text]) => [value, text]);
}

/** Every value of `kind`, in order. */
export function values(kind) {
  return (ENUMS[kind] || []).map(([value]) => value);
}

/** Whether `value` is one of `kind`'s values (for checking a value read from the address bar). */
export function isValue(kind, value) {
  return BY_VALUE[kind]?.has(value) ?? false;
}

/** The value drawn as a badge in its tone (`neutral` when the table gives none). */
export function enumBadge(kind, value) {
  return badge(label(kind, value), BY_VALUE[kind]?.get(value)?.[2] || 'neutral');
}
