// `#/backups` (platform admin): take a backup of the whole instance while it runs, list the
// backups in the data dir with their size and SHA-256, download one.

import { api } from './api.js';
import { accessNotice, dataTable, emptyState, h, icon, mount, pageHeader, problemNotice, time, toast } from './dom.js';
import { can } from './session.js';

/** 1536 → "1.5 KB". */
function size(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[unit]}`;
}

function rows(backups) {
  return backups.map((b) => ({
    dataset: { backup: b.name },
    cells: [
      h('code', { class: 'backup-name' }, b.name),
      time(b.created_at),
      h('span', { class: 'backup-size' }, size(b.size_bytes)),
      h('code', { class: 'backup-sha small', title: b.sha256 }, `${b.sha256.slice(0, 16)}…`),
      h('a', {
        class: 'btn btn-secondary btn-sm', href: `/api/v1/admin/backup/${encodeURIComponent(b.name)}`, download: b.name,
        'aria-label': `Download ${b.name}`,
      }, icon('download', 'icon icon-sm'), 'Download'),
    ],
  }));
}

const COLUMNS = [{ label: 'File' }, { label: 'Taken' }, { label: 'Size' }, { label: 'SHA-256' }, { label: 'Actions', className: 'col-actions' }];

export const backupsPage = {
  title: 'Backups',
  async render() {
    if (!can('platform')) {
      return accessNotice('Backups', 'Only the platform admin takes backups', 'Backups hold every organisation of this instance.');
    }
    const listSlot = h('div', {});
    const load = async () => {
      try {
        const data = await api('GET', '/admin/backup');
        mount(listSlot, data.items.length === 0
          ? emptyState('No backups yet', 'Take one now; it is written to the backups folder of the data directory.')
          : dataTable({ caption: 'Backups in the data directory', columns: COLUMNS, rows: rows(data.items), id: 'backups-table' }));
      } catch (error) {
        mount(listSlot, problemNotice(error));
      }
    };
    const run = h('button', { type: 'button', class: 'btn btn-primary', id: 'run-backup' }, icon('download'), h('span', { class: 'btn-label' }, 'Back up now'));
    run.addEventListener('click', async () => {
      run.disabled = true;
      run.setAttribute('aria-busy', 'true');
      try {
        const taken = await api('POST', '/admin/backup', {});
        toast(`Backup ${taken.name} written (${size(taken.size_bytes)}).`);
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      } finally {
        run.disabled = false;
        run.removeAttribute('aria-busy');
      }
      await load();
    });
    await load();
    return h('div', { class: 'page' },
      pageHeader('Backups', 'A consistent copy of the whole database, taken while hirebase keeps running. Restore one with `hirebase restore FILE`; the search index is rebuilt.', run),
      h('section', { class: 'card card-flush', 'aria-label': 'Backups' }, listSlot));
  },
};
