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
  // Matching: the six axes of a score, in the order the spider chart draws them.
  match_axis: [
    ['skills', 'Skills'], ['experience', 'Experience'], ['seniority', 'Seniority'],
    ['location', 'Location'], ['compensation', 'Compensation'], ['availability', 'Availability'],
  ],
  availability: [
    ['available', 'Available now', 'success'], ['notice_period', 'Serving notice', 'info'],
    ['engaged', 'Engaged elsewhere', 'warning'], ['not_looking', 'Not looking', 'neutral'],
  ],
  work_mode: [['onsite', 'On-site'], ['hybrid', 'Hybrid'], ['remote', 'Remote']],
  // The talent marketplace.
  work_type: [['contract', 'Contract'], ['full_time', 'Full-time'], ['part_time', 'Part-time'], ['freelance', 'Freelance']],
  visibility: [['private', 'Private', 'neutral'], ['tenant', 'Organisation', 'info'], ['public', 'Public', 'success']],
  project_status: [
    ['planned', 'Planned', 'info'], ['active', 'Active', 'success'], ['on_hold', 'On hold', 'warning'],
    ['completed', 'Completed', 'neutral'], ['cancelled', 'Cancelled', 'danger'],
  ],
  slot_status: [['open', 'Open', 'success'], ['filled', 'Filled', 'accent']],
  engagement_status: [['active', 'Active', 'success'], ['ended', 'Ended', 'neutral'], ['cancelled', 'Cancelled', 'danger']],
  // The assistant and the library: its tools, which name the kinds of saved items.
  library_kind: [
    ['screen', 'Screen', 'accent'], ['outreach', 'Outreach', 'info'], ['offer_letter', 'Offer letter', 'warning'],
    ['interview_questions', 'Interview questions', 'info'], ['job_description', 'Job description', 'neutral'],
    ['salary_benchmark', 'Salary benchmark', 'neutral'], ['transcript_summary', 'Transcript summary', 'accent'], ['note', 'Note', 'neutral'],
  ],
  verdict: [['strong_match', 'Strong match'], ['good_match', 'Good match'], ['partial_match', 'Partial match'], ['weak_match', 'Weak match']],
  offer_field: [['start_date', 'Start date'], ['signer', 'Who signs']],
};

const BY_VALUE = Object.fromEntries(Object.entries(ENUMS).map(([kind, rows]) => [kind, new Map(rows.map((row) => [row[0], row]))]));

/**
 * `full_time` → "Full time", `sales-ops` → "Sales ops": the fallback for machine words no table
 * lists. Text a person typed ("Berlin office", "Full-time") is left as it is.
 */
export function humanize(value) {
  const text = String(value ?? '').trim();
  if (!/^[a-z0-9]+([_-][a-z0-9]+)*$/.test(text)) return text;
  const words = text.replace(/[_-]+/g, ' ');
  return words[0].toUpperCase() + words.slice(1);
}

/**
 * The label of `value` in `kind`: `label('stage', 'hired')` → "Hired",
 * `label('employment_type', 'Full-time')` → "Full-time" (spellings of a known value are found);
 * unknown values are humanized, empty ones give ''.
 */
export function label(kind, value) {
  if (value === null || value === undefined || value === '') return '';
  const table = BY_VALUE[kind];
  const row = table && (table.get(value) || table.get(String(value).trim().toLowerCase().replace(/[\s-]+/g, '_')));
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

// ---- Money -----------------------------------------------------------------------------------

const formats = new Map();

/** `85000, 'EUR'` → "€85,000" in the reader's locale; an unknown code gives "XYZ 85,000". */
export function money(amount, currency) {
  if (amount == null) return null;
  const key = currency || '';
  if (!formats.has(key)) {
    let f;
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 });
    } catch {
      const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
      f = { format: (n) => (currency ? `${currency} ${plain.format(n)}` : plain.format(n)) };
    }
    formats.set(key, f);
  }
  return formats.get(key).format(amount);
}

/** "€60,000 – €80,000", "from €60,000", "up to €80,000", or null when neither end is set. */
export function moneyRange(min, max, currency) {
  if (min == null && max == null) return null;
  if (min != null && max != null) return min === max ? money(min, currency) : `${money(min, currency)} – ${money(max, currency)}`;
  return min != null ? `from ${money(min, currency)}` : `up to ${money(max, currency)}`;
}
