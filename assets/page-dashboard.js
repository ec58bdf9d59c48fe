// `#/dashboard?job=ID`: the hiring numbers at a glance, for every job or one: KPI tiles, the
// pipeline funnel, time to hire and where applicants come from (`GET /insights`).

import { api, query } from './api.js';
import { barChart, chartTable } from './charts.js';
import { accessNotice, dataTable, emptyState, h, meter, mount, notice, pageHeader, problemNotice, time } from './dom.js';
import { label, values } from './labels.js';
import { replaceHash } from './list-page.js';
import { mapLimit } from './recruiting.js';
import { can } from './session.js';

/** Jobs with hires whose own median is fetched for the time-to-hire chart. */
const MAX_TTH_JOBS = 8;

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

function days(n) {
  return `${decimal.format(n)} ${n === 1 ? 'day' : 'days'}`;
}

function tile({ id, label, value, note, href }) {
  const body = [h('p', { class: 'kpi-label' }, label), h('p', { class: 'kpi-value', id }, value), note && h('p', { class: 'kpi-note' }, note)];
  return h('li', { class: 'kpi' }, href ? h('a', { href, class: 'kpi-link' }, body) : body);
}

function kpis(data) {
  const { offers, time_to_hire: tth } = data;
  const decided = offers.accepted + offers.declined;
  return h('ul', { class: 'kpis', 'aria-label': 'Key figures' },
    tile({ id: 'kpi-open-jobs', label: 'Open jobs', value: String(data.open_jobs), href: '#/jobs?status=open' }),
    tile({
      id: 'kpi-interviews', label: 'Interviews next 7 days', value: String(data.interviews_next_7_days), href: '#/interviews',
    }),
    tile({
      id: 'kpi-acceptance', label: 'Offer acceptance',
      value: offers.acceptance_rate == null ? '—' : percent.format(offers.acceptance_rate),
      note: decided === 0 ? `${offers.sent} sent, none decided yet` : `${offers.accepted} of ${decided} decided offers accepted`,
      href: '#/offers',
    }),
    tile({
      id: 'kpi-time-to-hire', label: 'Median time to hire',
      value: tth.median_days == null ? '—' : days(tth.median_days),
      note: tth.hires === 0 ? 'No hires yet' : `from ${tth.hires} ${tth.hires === 1 ? 'hire' : 'hires'}`,
    }));
}

/** Stage counts summed over the funnel's jobs, in pipeline order. */
function stageTotals(funnel) {
  const totals = new Map(values('stage').map((stage) => [stage, 0]));
  for (const job of funnel) for (const { stage, count } of job.stages) totals.set(stage, (totals.get(stage) || 0) + count);
  return [...totals].map(([stage, count]) => ({ stage, count }));
}

function chartCard({ id, title, description, chart, table, extra }) {
  return h('section', { class: 'card chart-card', 'aria-labelledby': `${id}-title` },
    h('header', { class: 'card-header' },
      h('h2', { class: 'card-title', id: `${id}-title` }, title),
      description && h('p', { class: 'card-description' }, description)),
    h('div', { class: 'card-body' }, chart, extra, table));
}

function funnelCard(data, scope) {
  const totals = stageTotals(data.funnel);
  const all = totals.reduce((sum, s) => sum + s.count, 0);
  const where = scope ? `in “${scope.title}”` : 'across all jobs';
  const chart = barChart({
    id: 'funnel-chart',
    title: `Pipeline funnel ${where}`,
    description: all === 0 ? 'No applications yet.'
      : totals.map((s) => `${label('stage', s.stage)}: ${s.count}`).join(', '),
    rows: totals.map((s) => ({
      key: s.stage, label: label('stage', s.stage), value: s.count, className: `bar-${s.stage}`,
      text: all > 0 ? `${s.count} · ${percent.format(s.count / all)}` : '0',
      dataset: { stage: s.stage, count: s.count },
    })),
    empty: 'No applications yet',
    isEmpty: all === 0,
    dataset: { total: all },
  });
  const table = chartTable({
    caption: `Applications by stage ${where}`,
    id: 'funnel-table',
    columns: [{ label: 'Stage' }, { label: 'Applications', className: 'col-num' }, { label: 'Share', className: 'col-num' }],
    rows: totals.map((s) => [label('stage', s.stage), String(s.count), all > 0 ? percent.format(s.count / all) : '—']),
  });
  return chartCard({
    id: 'funnel',
    title: 'Pipeline funnel',
    description: `${all} ${all === 1 ? 'application' : 'applications'} ${where}, by the stage each is in now.`,
    chart,
    table,
  });
}

/** Median days to hire: the whole scope first, then each job with hires (its own `/insights`). */
async function timeToHireCard(data, scope) {
  const overall = data.time_to_hire;
  const rows = [{
    key: 'all', label: scope ? scope.title : 'All jobs', value: overall.median_days, stub: overall.hires > 0, className: 'bar-overall',
    text: overall.median_days == null ? 'no hires yet' : `${days(overall.median_days)} · ${overall.hires} ${overall.hires === 1 ? 'hire' : 'hires'}`,
    dataset: { hires: overall.hires },
  }];
  let failed = null;
  if (!scope) {
    const hiredIn = data.funnel
      .map((job) => ({ job, hired: job.stages.find((s) => s.stage === 'hired')?.count || 0 }))
      .filter((j) => j.hired > 0)
      .sort((a, b) => b.hired - a.hired)
      .slice(0, MAX_TTH_JOBS);
    const perJob = await mapLimit(hiredIn, 4, async ({ job }) => {
      try {
        return { job, tth: (await api('GET', `/insights${query({ job_id: job.job_id })}`)).time_to_hire };
      } catch (error) {
        failed = error;
        return null;
      }
    });
    for (const entry of perJob) {
      if (!entry || entry.tth.median_days == null) continue;
      rows.push({
        key: String(entry.job.job_id), label: entry.job.title, value: entry.tth.median_days, stub: true, className: 'bar-job',
        text: `${days(entry.tth.median_days)} · ${entry.tth.hires} ${entry.tth.hires === 1 ? 'hire' : 'hires'}`,
        dataset: { jobId: entry.job.job_id, hires: entry.tth.hires },
      });
    }
  }
  const chart = barChart({
    id: 'time-to-hire-chart',
    title: 'Median time to hire',
    description: rows.map((r) => `${r.label}: ${r.text}`).join('; '),
    rows,
    empty: 'Time to hire appears after the first hire',
    isEmpty: overall.hires === 0,
    dataset: { hires: overall.hires },
  });
  const table = chartTable({
    caption: 'Median days to hire',
    id: 'time-to-hire-table',
    columns: [{ label: 'Scope' }, { label: 'Median days', className: 'col-num' }, { label: 'Hires', className: 'col-num' }],
    rows: rows.map((r) => [r.label, r.value == null ? '—' : decimal.format(r.value), String(r.dataset.hires)]),
  });
  return chartCard({
    id: 'time-to-hire',
    title: 'Time to hire',
    description: 'Median days from entering the pipeline to being hired.',
    chart,
    extra: failed && h('p', { class: 'muted small' }, `Some jobs could not be loaded: ${failed.detail || failed}`),
    table,
  });
}

function sourcesCard(sources) {
  const body = sources.length === 0
    ? emptyState('No applications yet', 'Where applicants come from appears here.')
    : dataTable({
      caption: 'Applicants and hires by source',
      id: 'sources-table',
      columns: [{ label: 'Source' }, { label: 'Applications', className: 'col-num' }, { label: 'Hires', className: 'col-num' }, { label: 'Hire rate' }],
      rows: sources.map((s) => {
        return {
          dataset: { source: s.source },
          cells: [label('source', s.source), String(s.applications), String(s.hires), h('span', { class: 'rate' }, meter(s.hire_rate * 100), percent.format(s.hire_rate))],
        };
      }),
    });
  return h('section', { class: 'card card-flush', 'aria-labelledby': 'sources-title' },
    h('header', { class: 'card-header card-header-flush' },
      h('h2', { class: 'card-title', id: 'sources-title' }, 'Sources'),
      h('p', { class: 'card-description' }, 'Where applicants come from, and how many of them were hired.')),
    body);
}

function jobsCard(funnel) {
  if (funnel.length < 2) return null;
  const count = (job, stage) => String(job.stages.find((s) => s.stage === stage)?.count || 0);
  const rows = [...funnel].sort((a, b) => b.total - a.total).map((job) => ({
    dataset: { jobId: String(job.job_id) },
    cells: [
      h('div', {}, h('a', { href: `#/jobs/${job.job_id}`, class: 'row-title' }, job.title),
        job.status !== 'open' && h('span', { class: 'muted small block' }, label('job_status', job.status))),
      String(job.total), count(job, 'interview'), count(job, 'offer'), count(job, 'hired'),
    ],
  }));
  return h('section', { class: 'card card-flush', 'aria-labelledby': 'by-job-title' },
    h('header', { class: 'card-header card-header-flush' },
      h('h2', { class: 'card-title', id: 'by-job-title' }, 'By job'),
      h('p', { class: 'card-description' }, 'Applications in each pipeline now.')),
    dataTable({
      caption: 'Applications by job',
      id: 'jobs-funnel-table',
      columns: [{ label: 'Job' }, { label: 'Total', className: 'col-num' }, { label: 'Interview', className: 'col-num' },
        { label: 'Offer', className: 'col-num' }, { label: 'Hired', className: 'col-num' }],
      rows,
    }));
}

export const dashboardPage = {
  title: 'Dashboard',
  async render(ctx) {
    if (!can('insights_read')) {
      return accessNotice('Dashboard', 'The dashboard is for people who hire', 'Organisation admins, recruiters and hiring managers see the hiring numbers here.');
    }
    const requested = Number.parseInt(ctx.query.get('job') || '', 10) || null;
    // The whole organisation first: it names every job for the selector.
    const everything = await api('GET', '/insights');
    const jobs = [...everything.funnel].sort((a, b) => a.title.localeCompare(b.title));
    let scope = jobs.find((j) => j.job_id === requested) || null;

    const select = h('select', { class: 'input select select-sm', id: 'dashboard-job' },
      h('option', { value: '' }, 'All jobs'),
      jobs.map((j) => h('option', { value: String(j.job_id), selected: j === scope }, `${j.title} (${label('job_status', j.status)})`)));
    const generated = h('p', { class: 'muted small', id: 'dashboard-generated' });
    const body = h('div', { class: 'stack', 'aria-live': 'polite', 'aria-busy': 'false', id: 'dashboard-body' });
    let ticket = 0;

    const show = async (data) => {
      const mine = ++ticket;
      body.setAttribute('aria-busy', 'true');
      const tth = await timeToHireCard(data, scope);
      if (mine !== ticket) return;
      mount(generated, 'Figures as of ', time(data.generated_at));
      mount(body,
        kpis(data),
        h('div', { class: 'grid-2 dashboard-charts' }, funnelCard(data, scope), tth),
        h('div', { class: 'grid-2' }, sourcesCard(data.sources), !scope && jobsCard(data.funnel)));
      body.setAttribute('aria-busy', 'false');
    };

    select.addEventListener('change', async () => {
      scope = jobs.find((j) => String(j.job_id) === select.value) || null;
      replaceHash(`#/dashboard${query({ job: scope?.job_id })}`);
      try {
        await show(scope ? await api('GET', `/insights${query({ job_id: scope.job_id })}`) : await api('GET', '/insights'));
      } catch (error) {
        mount(body, problemNotice(error));
      }
    });

    await show(scope ? await api('GET', `/insights${query({ job_id: scope.job_id })}`) : everything);

    return h('div', { class: 'page page-dashboard' },
      pageHeader('Dashboard', 'How hiring is going: pipelines, interviews, offers and where people come from.',
        h('div', { class: 'scope-picker' }, h('label', { for: 'dashboard-job', class: 'filter-label' }, 'Showing'), select)),
      generated,
      jobs.length === 0 && notice('info', 'No jobs yet', h('p', {}, 'Numbers appear once you ', h('a', { href: '#/jobs?new=1' }, 'create a job'), ' and add candidates to it.')),
      body);
  },
};
